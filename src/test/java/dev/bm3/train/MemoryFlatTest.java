package dev.bm3.train;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Native memory stays flat over thousands of training steps and evaluations: runs
 * {@link MemorySoak} in a child JVM with a fixed, pre-touched heap ({@link ResidentMemorySoak})
 * and compares resident memory after warm-up with the end.
 */
class MemoryFlatTest {
    @ParameterizedTest
    @ValueSource(strings = {"native", "torch", "native:fast"})
    void residentMemoryIsFlatOverTwoThousandSteps(String kernels) throws IOException, InterruptedException {
        ResidentMemorySoak soak = ResidentMemorySoak.run(MemorySoak.class, kernels);
        assertTrue(soak.last()[0] >= 2000, "ran " + soak.last()[0] + " steps");
        // Unscoped tensors leak ~80 KB per step here (> 150 MB over 2,000 steps).
        assertTrue(soak.growthKb() < 16 * 1024, kernels + ": resident memory grew " + soak.growthKb() / 1024
                + " MB from step " + soak.warm()[0] + " to step " + soak.last()[0] + "\n" + soak.log());
    }
}
