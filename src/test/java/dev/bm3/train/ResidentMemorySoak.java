package dev.bm3.train;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs a soak body in a child JVM whose heap is fixed and pre-touched (-Xms = -Xmx,
 * AlwaysPreTouch), so heap growth can neither hide nor fake a trend in resident memory. The body
 * prints {@code rss COUNT KB} lines (use {@link #residentKb()}); {@link #growthKb()} compares the
 * sample after a tenth of the run (JIT and allocator pools settled) with the last one.
 *
 * @param samples {count, VmRSS KB} per printed line
 * @param log     everything the child printed
 */
public record ResidentMemorySoak(List<long[]> samples, String log) {

    /** Runs {@code main} with {@code args} in a child JVM; asserts it finishes cleanly within 10 minutes. */
    public static ResidentMemorySoak run(Class<?> main, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xms192m", "-Xmx192m", "-XX:+AlwaysPreTouch", "-cp", System.getProperty("java.class.path"),
                main.getName()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        List<long[]> samples = new ArrayList<>();
        StringBuilder log = new StringBuilder();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream()))) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                log.append(line).append('\n');
                if (line.startsWith("rss ")) {
                    String[] f = line.split(" ");
                    samples.add(new long[] {Long.parseLong(f[1]), Long.parseLong(f[2])});
                }
            }
        }
        assertTrue(p.waitFor(10, TimeUnit.MINUTES), main.getSimpleName() + " did not finish");
        assertEquals(0, p.exitValue(), log.toString());
        assertTrue(samples.size() >= 10, "too few samples:\n" + log);
        return new ResidentMemorySoak(List.copyOf(samples), log.toString());
    }

    /** The sample after a tenth of the run. */
    public long[] warm() {
        return samples.get(samples.size() / 10);
    }

    public long[] last() {
        return samples.get(samples.size() - 1);
    }

    /** Resident growth from {@link #warm()} to {@link #last()}, in KB. */
    public long growthKb() {
        return last()[1] - warm()[1];
    }

    /** This process's resident set (VmRSS) in KB, for the soak bodies. */
    public static long residentKb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D", ""));
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        throw new IllegalStateException("no VmRSS in /proc/self/status");
    }
}
