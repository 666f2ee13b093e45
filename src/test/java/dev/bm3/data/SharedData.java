package dev.bm3.data;

import org.junit.jupiter.api.Assumptions;

import java.nio.file.Files;
import java.nio.file.Path;

/** Locates the read-only shared datasets; tests that need them skip with a message when absent. */
public final class SharedData {
    private SharedData() {
    }

    public static Path require(String relative) {
        Path p = Path.of("../shared/datasets").resolve(relative);
        Assumptions.assumeTrue(Files.exists(p), "shared dataset absent, skipping: " + p.toAbsolutePath());
        return p;
    }
}
