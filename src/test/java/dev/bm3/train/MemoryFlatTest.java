package dev.bm3.train;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

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
 * Native memory stays flat over thousands of training steps and evaluations: runs
 * {@link MemorySoak} in a child JVM whose heap is fixed and pre-touched (so the Java heap cannot
 * account for growth) and compares resident memory after warm-up with the end.
 */
class MemoryFlatTest {
    @ParameterizedTest
    @ValueSource(strings = {"native", "torch"})
    void residentMemoryIsFlatOverTwoThousandSteps(String kernels) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-Xms192m", "-Xmx192m", "-XX:+AlwaysPreTouch",
                "-cp", System.getProperty("java.class.path"), MemorySoak.class.getName(), kernels)
                .redirectErrorStream(true).start();
        List<long[]> samples = new ArrayList<>();
        StringBuilder log = new StringBuilder();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream()))) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                log.append(line).append('\n');
                if (line.startsWith("rss ")) {
                    String[] f = line.split(" ");
                    samples.add(new long[] {Long.parseLong(f[2]), Long.parseLong(f[3])});
                }
            }
        }
        assertTrue(p.waitFor(10, TimeUnit.MINUTES), "soak did not finish");
        assertEquals(0, p.exitValue(), log.toString());
        long[] last = samples.get(samples.size() - 1);
        assertTrue(last[0] >= 2000, "ran " + last[0] + " steps");
        // Compare after warm-up (a tenth of the run: allocator pools and the JIT settle) with the end.
        long[] warm = samples.get(samples.size() / 10);
        long growthKb = last[1] - warm[1];
        // Unscoped tensors leak ~80 KB per step here (> 150 MB over 2,000 steps).
        assertTrue(growthKb < 16 * 1024, kernels + ": resident memory grew " + growthKb / 1024 + " MB from step "
                + warm[0] + " to step " + last[0] + "\n" + log);
    }
}
