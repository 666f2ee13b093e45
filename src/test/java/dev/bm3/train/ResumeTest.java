package dev.bm3.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bm3.data.Dataset;
import dev.bm3.data.SyntheticGenerator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Crash safety end to end, with real child processes of {@code bm3 train} on one thread: a run
 * SIGKILLed at random moments (mid-step, mid-evaluation, mid-checkpoint-write) and resumed each
 * time ends with exactly the metrics and weights of an uninterrupted run; SIGTERM stops at a step
 * boundary with exit 143 and a checkpoint that resumes to the same result.
 */
class ResumeTest {
    @TempDir
    static Path dir;
    static Path data;
    static Path reference;

    static final String[] TRAIN = {"--set", "epochs=40", "--set", "train_batch_size=64", "--set", "stopping_step=100",
            "--threads", "1"};

    @BeforeAll
    static void setUp() throws Exception {
        Dataset d = new SyntheticGenerator(new SyntheticGenerator.Config(200, 150, 14, 5, 8, 32, 16, 0.2, 5)).generate();
        data = dir.resolve("data");
        SyntheticGenerator.write(d, data, "tiny");
        reference = dir.resolve("reference");
        Process p = bm3(concat(new String[] {"train", "--data", data.toString(), "--out", reference.toString()}, TRAIN));
        assertTrue(p.waitFor(5, TimeUnit.MINUTES));
        assertEquals(0, p.exitValue(), output(p));
    }

    @Test
    void killedAtRandomMomentsAndResumedEndsBitForBitTheSame() throws Exception {
        Path run = dir.resolve("killed");
        Random random = new Random(42);
        // where each kill lands: after progress plus a random delay, or inside a checkpoint write
        String[] plan = {"random", "state-write", "random", "json-write", "random", "state-write"};
        int kills = 0;
        int exit = -1;
        List<String> log = new ArrayList<>();
        String[] first = concat(new String[] {"train", "--data", data.toString(), "--out", run.toString()}, TRAIN);
        String[] resume = {"train", "--resume", run.toString(), "--threads", "1"};
        for (int attempt = 0; attempt < 20 && exit != 0; attempt++) {
            boolean fresh = !Files.exists(run.resolve(RunDirectory.MANIFEST));
            if (fresh && Files.exists(run)) {
                deleteTree(run); // killed before the run directory was usable: start again
            }
            int before = checkpointEpoch(run);
            Process p = bm3(fresh ? first : resume);
            if (kills < plan.length && killAt(p, run, plan[kills], before, random)) {
                kills++;
                log.add("attempt " + attempt + ": SIGKILL (" + plan[kills - 1] + ") with the checkpoint at epoch "
                        + checkpointEpoch(run) + " (was " + before + ")");
                continue;
            }
            assertTrue(p.waitFor(5, TimeUnit.MINUTES));
            exit = p.exitValue();
            log.add("attempt " + attempt + ": exit " + exit);
            assertEquals(0, exit, String.join("\n", log) + "\n" + output(p));
        }
        assertTrue(kills >= 5, "only " + kills + " kills landed: " + log);
        System.out.println("ResumeTest: " + kills + " kills, then a clean finish: " + log);
        assertSameResult(reference, run, String.join("\n", log));
    }

    /**
     * Waits until the child has made progress (its checkpoint moved past {@code before}), then
     * SIGKILLs it at the planned moment. False when the child finished first.
     */
    static boolean killAt(Process p, Path run, String how, int before, Random random) throws Exception {
        long deadline = System.currentTimeMillis() + 120_000;
        while (p.isAlive() && checkpointEpoch(run) <= before && System.currentTimeMillis() < deadline) {
            Thread.sleep(5);
        }
        if (how.equals("random")) {
            Thread.sleep(random.nextInt(200));
        } else {
            String prefix = how.equals("state-write") ? ".checkpoint-e" : "." + Checkpoints.LAST;
            while (p.isAlive() && System.currentTimeMillis() < deadline && !tmpFileExists(run, prefix)) {
                Thread.onSpinWait();
            }
        }
        if (!p.isAlive()) {
            return false;
        }
        p.destroyForcibly().waitFor();
        return true;
    }

    static boolean tmpFileExists(Path run, String prefix) throws IOException {
        try (var files = Files.list(run)) {
            return files.anyMatch(f -> f.getFileName().toString().startsWith(prefix) && f.toString().endsWith(".tmp"));
        } catch (java.nio.file.NoSuchFileException e) {
            return false;
        }
    }

    static int checkpointEpoch(Path run) {
        try {
            return new ObjectMapper().readTree(run.resolve(Checkpoints.LAST).toFile()).get("epoch").asInt();
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    @Test
    void sigtermStopsWithACheckpointAndResumes() throws Exception {
        Path run = dir.resolve("terminated");
        Process p = bm3(concat(new String[] {"train", "--data", data.toString(), "--out", run.toString(),
                "--set", "epochs=60"}, Arrays.copyOfRange(TRAIN, 2, TRAIN.length)));
        // wait until training is under way (the first checkpoint exists), then SIGTERM
        long until = System.currentTimeMillis() + 120_000;
        while (!Files.exists(run.resolve(Checkpoints.LAST)) && System.currentTimeMillis() < until && p.isAlive()) {
            Thread.sleep(50);
        }
        p.toHandle().destroy(); // SIGTERM (Process.destroy would also close our end of its output)
        assertTrue(p.waitFor(2, TimeUnit.MINUTES));
        String out = output(p);
        assertEquals(143, p.exitValue(), out);
        assertTrue(out.contains("bm3 train --resume " + run), out);
        Process r = bm3("train", "--resume", run.toString(), "--threads", "1");
        assertTrue(r.waitFor(5, TimeUnit.MINUTES));
        assertEquals(0, r.exitValue(), output(r));
        Path straight = dir.resolve("straight60");
        Process s = bm3(concat(new String[] {"train", "--data", data.toString(), "--out", straight.toString(),
                "--set", "epochs=60"}, Arrays.copyOfRange(TRAIN, 2, TRAIN.length)));
        assertTrue(s.waitFor(5, TimeUnit.MINUTES));
        assertEquals(0, s.exitValue(), output(s));
        assertSameResult(straight, run, out);
    }

    @Test
    void refusesToResumeOnOtherData() throws Exception {
        Path other = dir.resolve("other-data");
        SyntheticGenerator.write(new SyntheticGenerator(new SyntheticGenerator.Config(200, 150, 14, 5, 8, 32, 16, 0.2, 6))
                .generate(), other, "tiny");
        Path run = dir.resolve("moved");
        copyTree(reference, run);
        // point the manifest at other data, as if the files had been replaced
        String manifest = Files.readString(run.resolve(RunDirectory.MANIFEST)).replace(data.toString(), other.toString());
        Files.writeString(run.resolve(RunDirectory.MANIFEST), manifest);
        Process p = bm3("train", "--resume", run.toString(), "--threads", "1");
        assertTrue(p.waitFor(2, TimeUnit.MINUTES));
        String out = output(p);
        assertEquals(2, p.exitValue(), out);
        assertTrue(out.contains("checksum"), out);
    }

    static void assertSameResult(Path expected, Path actual, String context) throws IOException {
        ObjectMapper json = new ObjectMapper();
        JsonNode a = json.readTree(expected.resolve(RunDirectory.METRICS).toFile());
        JsonNode b = json.readTree(actual.resolve(RunDirectory.METRICS).toFile());
        assertEquals(a, b, "metrics.json differs\n" + context);
        assertArrayEquals(Files.readAllBytes(expected.resolve(RunDirectory.MODEL)),
                Files.readAllBytes(actual.resolve(RunDirectory.MODEL)), "model.pt differs\n" + context);
        assertEquals(Files.readAllLines(expected.resolve(RunDirectory.EPOCHS)).size(),
                Files.readAllLines(actual.resolve(RunDirectory.EPOCHS)).size(), "epochs.csv rows");
    }

    static final java.util.Map<Process, Path> LOGS = new java.util.concurrent.ConcurrentHashMap<>();

    /** A child {@code bm3} process; its output goes to a file, so a full pipe can never block it. */
    static Process bm3(String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-cp", System.getProperty("java.class.path"), "dev.bm3.cli.Bm3Command"));
        cmd.addAll(List.of(args));
        Path log = Files.createTempFile(dir, "bm3-", ".log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        LOGS.put(p, log);
        return p;
    }

    static String output(Process p) throws IOException {
        return Files.readString(LOGS.get(p));
    }

    static String[] concat(String[] a, String[] b) {
        String[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    static void deleteTree(Path p) throws IOException {
        try (var walk = Files.walk(p)) {
            for (Path q : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(q);
            }
        }
    }

    static void copyTree(Path from, Path to) throws IOException {
        try (var walk = Files.walk(from)) {
            for (Path q : walk.toList()) {
                Files.copy(q, to.resolve(from.relativize(q).toString()));
            }
        }
    }
}
