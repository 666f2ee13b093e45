package dev.bm3.api;

import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * 100,000 mixed calls keep resident memory flat: {@link RecommenderSoak} runs in a child JVM whose
 * heap is fixed and pre-touched (-Xms = -Xmx, AlwaysPreTouch), so heap growth cannot hide or fake
 * a trend; resident memory after a tenth of the calls (JIT and allocator settled) is compared with
 * the end.
 */
class RecommenderSoakTest {
    @Test
    void residentMemoryIsFlatOverOneHundredThousandCalls() throws IOException, InterruptedException {
        Path run = ApiFixture.run();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-Xms192m", "-Xmx192m", "-XX:+AlwaysPreTouch",
                "-cp", System.getProperty("java.class.path"), RecommenderSoak.class.getName(), run.toString())
                .redirectErrorStream(true).start();
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
        assertTrue(p.waitFor(10, TimeUnit.MINUTES), "soak did not finish");
        assertEquals(0, p.exitValue(), log.toString());
        long[] last = samples.get(samples.size() - 1);
        assertEquals(100_000, last[0]);
        long[] warm = samples.get(samples.size() / 10);
        long growthKb = last[1] - warm[1];
        System.out.println("soak: VmRSS " + warm[1] / 1024 + " MB after " + warm[0] + " calls, " + last[1] / 1024
                + " MB after " + last[0]);
        assertTrue(growthKb < 8 * 1024, "resident memory grew " + growthKb / 1024 + " MB from call " + warm[0]
                + " to call " + last[0] + "\n" + log);
    }
}
