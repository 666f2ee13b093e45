package dev.bm3.data;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Coverage-guided fuzzing of the readers with Jazzer. Under plain {@code mvn test} (regression
 * mode) each test replays its seed corpus, the files under
 * {@code src/test/resources/dev/bm3/data/ReaderFuzzTestInputs/<method>/}, plus any crash Jazzer
 * saved there. A real fuzzing run, one test at a time (Jazzer fuzzes a single test per run):
 * <pre>
 * JAZZER_FUZZ=1 mvn -B -o test -Dtest='ReaderFuzzTest#npyFeatures'
 * </pre>
 * (likewise {@code #interTable}, {@code #npyHeader}); each stops after maxDuration (10 minutes). New crashing inputs land in the inputs
 * directory above and then fail plain {@code mvn test} until the reader is fixed.
 */
class ReaderFuzzTest {
    private static Path dir;

    @BeforeAll
    static void createDir() throws IOException {
        dir = Files.createTempDirectory("bm3-fuzz");
    }

    @AfterAll
    static void deleteDir() throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @FuzzTest(maxDuration = "10m")
    void interTable(byte[] input) {
        ReaderProperty.checkInline(dir.resolve("fuzz.inter"), input, ReaderProperty.INTER);
    }

    @FuzzTest(maxDuration = "10m")
    void npyFeatures(byte[] input) {
        ReaderProperty.checkInline(dir.resolve("fuzz.npy"), input, ReaderProperty.NPY_FEATURES);
    }

    @FuzzTest(maxDuration = "10m")
    void npyHeader(byte[] input) {
        ReaderProperty.checkInline(dir.resolve("fuzz-header.npy"), input, ReaderProperty.NPY_HEADER);
    }
}
