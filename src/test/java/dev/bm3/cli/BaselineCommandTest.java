package dev.bm3.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code bm3 train --model NAME} for every baseline writes a complete run directory. */
class BaselineCommandTest {
    @TempDir
    static Path shared;
    static Path data;

    static int run(StringWriter err, String... args) {
        return Bm3Command.execute(args, new PrintWriter(new StringWriter(), true), new PrintWriter(err, true));
    }

    @BeforeAll
    static void generate() {
        data = shared.resolve("small");
        StringWriter err = new StringWriter();
        assertEquals(0, run(err, "generate", "--out", data.toString(), "--name", "small", "--users", "200", "--items", "150",
                "--interactions", "3000", "--seed", "3"), err.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"bpr", "lightgcn", "vbpr", "lattice", "freedom"})
    void trainWritesACompleteRunDirectory(String model) throws IOException {
        Path out = shared.resolve(model + "-run");
        StringWriter err = new StringWriter();
        int code = run(err, "train", "--data", data.toString(), "--model", model, "--set", "epochs=2", "--threads", "1",
                "--out", out.toString());
        assertEquals(0, code, err.toString());
        for (String f : List.of("config.yaml", "manifest.json", "epochs.csv", "metrics.json", "training-curve.png", "model.pt")) {
            assertTrue(Files.isRegularFile(out.resolve(f)), "missing " + f);
        }
        assertEquals(3, Files.readAllLines(out.resolve("epochs.csv")).size(), "header + 2 epochs");
        JsonNode metrics = new ObjectMapper().readTree(out.resolve("metrics.json").toFile());
        assertTrue(metrics.get("test").get("recall@20").asDouble() > 0);
        assertTrue(Files.readString(out.resolve("config.yaml")).contains("model: " + model));
        // the saved model reloads and reproduces the recorded test metric
        StringWriter evalOut = new StringWriter();
        int ev = Bm3Command.execute(new String[] {"evaluate", "--run", out.toString(), "--split", "test"},
                new PrintWriter(evalOut, true), new PrintWriter(err, true));
        assertEquals(0, ev, err.toString());
        String expected = String.format(java.util.Locale.ROOT, "recall@20=%.4f", metrics.get("test").get("recall@20").asDouble());
        assertTrue(evalOut.toString().contains(expected), "evaluate should reproduce " + expected + ": " + evalOut);
    }
}
