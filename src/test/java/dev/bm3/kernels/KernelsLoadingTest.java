package dev.bm3.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

/** Loading order matters: one libgomp in the process, shared with LibTorch. */
class KernelsLoadingTest {
    @Test
    void libraryLoadsAndReportsNoReason() {
        assertTrue(Kernels.available(), Kernels.unavailableReason());
        assertEquals("", Kernels.unavailableReason());
    }

    @Test
    void exactlyOneLibgompIsMapped() throws Exception {
        assumeTrue(Files.isReadable(Path.of("/proc/self/maps")), "needs Linux /proc");
        assertTrue(Kernels.available(), Kernels.unavailableReason());
        try (Stream<String> lines = Files.lines(Path.of("/proc/self/maps"))) {
            var gomp = lines.map(l -> l.replaceFirst("^(\\S+\\s+){5}", "").trim())
                    .filter(p -> p.contains("libgomp"))
                    .collect(Collectors.toSet());
            assertEquals(1, gomp.size(), "libgomp copies mapped: " + gomp);
        }
    }

    @Test
    void kernelThreadsFollowTorchSetNumThreads() {
        int before = torch.get_num_threads();
        try {
            torch.set_num_threads(1);
            assertEquals(1, Kernels.threads());
            torch.set_num_threads(2);
            assertEquals(2, Kernels.threads());
        } finally {
            torch.set_num_threads(before);
        }
    }
}
