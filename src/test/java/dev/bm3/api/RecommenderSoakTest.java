package dev.bm3.api;

import dev.bm3.train.ResidentMemorySoak;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;

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
        ResidentMemorySoak soak = ResidentMemorySoak.run(RecommenderSoak.class, run.toString());
        long[] last = soak.last();
        assertEquals(100_000, last[0]);
        long[] warm = soak.warm();
        long growthKb = soak.growthKb();
        System.out.println("soak: VmRSS " + warm[1] / 1024 + " MB after " + warm[0] + " calls, " + last[1] / 1024
                + " MB after " + last[0]);
        assertTrue(growthKb < 8 * 1024, "resident memory grew " + growthKb / 1024 + " MB from call " + warm[0]
                + " to call " + last[0] + "\n" + soak.log());
    }
}
