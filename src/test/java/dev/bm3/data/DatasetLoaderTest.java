package dev.bm3.data;

import dev.bm3.InvalidInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DatasetLoaderTest {
    @TempDir
    Path dir;

    /** Users 0..2, items 0..2; user 2 has no training row, so its two held-out rows are dropped. */
    private static final String INTER = "userID\titemID\tx_label\n0\t0\t0\n0\t1\t1\n1\t1\t0\n1\t2\t2\n2\t0\t1\n2\t2\t2\n";

    private void writeInter(String name) throws IOException {
        Files.writeString(dir.resolve(name + ".inter"), INTER);
    }

    private void writeFeatures(String file, int rows, int cols) {
        float[] data = new float[rows * cols];
        for (int k = 0; k < data.length; k++) {
            data[k] = k;
        }
        NpyWriter.write(dir.resolve(file), new FeatureMatrix("x", rows, cols, data));
    }

    @Test
    void loadsByConventionAndDropsColdStartRows() throws IOException {
        writeInter("toy");
        writeFeatures("image_feat.npy", 3, 4);
        writeFeatures("text_feat.npy", 3, 2);
        Dataset d = DatasetLoader.load(dir);
        assertEquals("toy", d.name());
        assertEquals(3, d.nUsers());
        assertEquals(3, d.nItems());
        assertArrayEquals(new int[] {0, 1}, d.train().users());
        assertArrayEquals(new int[] {0, 1}, d.train().items());
        assertArrayEquals(new int[] {0}, d.valid().users());
        assertArrayEquals(new int[] {1}, d.test().users());
        assertEquals(2, d.coldStartRowsDropped());
        assertEquals(List.of("image", "text"), List.copyOf(d.modalities().keySet()));
        assertEquals(4, d.modalities().get("image").cols());
        assertEquals(64, d.checksum().length());
    }

    @Test
    void explicitModalitiesReplaceTheConvention() throws IOException {
        writeInter("toy");
        writeFeatures("image_feat.npy", 3, 4);
        Files.createDirectories(dir.resolve("sub"));
        writeFeatures("sub/audio.npy", 3, 5);
        Map<String, Path> explicit = DatasetLoader.parseModalities(List.of("audio=sub/audio.npy"));
        Dataset d = DatasetLoader.load(dir, "toy", explicit);
        assertEquals(List.of("audio"), List.copyOf(d.modalities().keySet()));
        assertEquals(5, d.modalities().get("audio").cols());
    }

    @Test
    void checksumIsStableAndContentSensitive() throws IOException {
        writeInter("toy");
        writeFeatures("image_feat.npy", 3, 4);
        String first = DatasetLoader.load(dir).checksum();
        assertEquals(first, DatasetLoader.load(dir).checksum());
        writeFeatures("image_feat.npy", 3, 5);
        assertNotEquals(first, DatasetLoader.load(dir).checksum());
    }

    @Test
    void rejectsFeatureRowsOtherThanItemCount() throws IOException {
        writeInter("toy");
        writeFeatures("text_feat.npy", 4, 2);
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> DatasetLoader.load(dir));
        assertTrue(e.getMessage().startsWith(dir.resolve("text_feat.npy") + ": "), e.getMessage());
        assertTrue(e.getMessage().contains("has shape (4, 2), expected 3 rows"), e.getMessage());
    }

    @Test
    void rejectsAmbiguousInterFiles() throws IOException {
        writeInter("a");
        writeInter("b");
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> DatasetLoader.load(dir));
        assertTrue(e.getMessage().contains("several *.inter files [a.inter, b.inter]"), e.getMessage());
        assertEquals("b", DatasetLoader.load(dir, "b", Map.of()).name());
    }

    @Test
    void rejectsDirectoryWithoutInterFile() {
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> DatasetLoader.load(dir));
        assertTrue(e.getMessage().contains(dir + ": no *.inter file"), e.getMessage());
    }

    @Test
    void rejectsMissingModalityFile() throws IOException {
        writeInter("toy");
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> DatasetLoader.load(dir, "toy", Map.of("text", Path.of("nope.npy"))));
        assertTrue(e.getMessage().contains("nope.npy: no such file (modality 'text')"), e.getMessage());
    }

    @Test
    void rejectsBadModalitySpecs() {
        assertThrows(InvalidInputException.class, () -> DatasetLoader.parseModalities(List.of("text")));
        assertThrows(InvalidInputException.class, () -> DatasetLoader.parseModalities(List.of("a=x.npy", "a=y.npy")));
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> DatasetLoader.parseModalities(List.of("bad name=x.npy")));
        assertTrue(e.getMessage().contains("modality name 'bad name'"), e.getMessage());
    }

    @Test
    void loadsLastFmWithTextAndAudio() {
        Path lfm = SharedData.require("lastfm2k_mm");
        Map<String, Path> mods = new LinkedHashMap<>();
        mods.put("text", Path.of("all-MiniLM-L6-v2.npy"));
        mods.put("audio", Path.of("whisper.npy"));
        Dataset d = DatasetLoader.load(lfm, "lfm2k", mods);
        assertEquals(1_858, d.nUsers());
        assertEquals(1_425, d.nItems());
        assertEquals(44_327, d.train().size());
        assertEquals(4_799, d.valid().size());
        assertEquals(7_219, d.test().size());
        assertEquals(384, d.modalities().get("text").cols());
        assertEquals(512, d.modalities().get("audio").cols());
        assertEquals(d.checksum(), DatasetLoader.load(lfm, "lfm2k", mods).checksum());

        String text = DatasetStats.of(d).format();
        assertTrue(text.contains("1,858 users, 1,425 items"), text);
        assertTrue(text.contains("44,327 train / 4,799 valid / 7,219 test (56,345 total)"), text);
        assertTrue(text.contains("modality audio: 1,425 x 512"), text);
    }

    @Test
    void rejectsEmptySplits() throws IOException {
        String header = "userID\titemID\tx_label\n";
        Map<String, String> cases = Map.of(
                header + "0\t0\t1\n0\t1\t2\n", "no training rows (x_label 0): the file has none",
                header + "0\t0\t0\n0\t1\t2\n", "no validation rows (x_label 1): the file has none",
                header + "0\t0\t0\n0\t1\t1\n1\t1\t2\n", "no test rows (x_label 2): after dropping cold-start users: 1 rows");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            Path d = Files.createDirectories(dir.resolve("split" + Math.abs(c.getKey().hashCode())));
            Files.writeString(d.resolve("s.inter"), c.getKey());
            InvalidInputException e = assertThrows(InvalidInputException.class, () -> DatasetLoader.load(d));
            assertTrue(e.getMessage().startsWith(d.resolve("s.inter") + ": "), e.getMessage());
            assertTrue(e.getMessage().contains(c.getValue()), e.getMessage());
        }
    }

    @Test
    void rejectsSparseHugeIds() throws IOException {
        Path d = Files.createDirectories(dir.resolve("sparse"));
        Files.writeString(d.resolve("s.inter"), "userID\titemID\tx_label\n0\t0\t0\n2147483000\t1\t0\n0\t1\t1\n0\t0\t2\n");
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> DatasetLoader.load(d));
        assertTrue(e.getMessage().startsWith(d.resolve("s.inter") + ":3: userID 2147483000 implies 2147483001 ids"),
                e.getMessage());
    }

    @Test
    void acceptsIdsWithModestGaps() throws IOException {
        Path d = Files.createDirectories(dir.resolve("gaps"));
        Files.writeString(d.resolve("s.inter"), "userID\titemID\tx_label\n0\t0\t0\n1000\t1\t0\n0\t1\t1\n0\t0\t2\n");
        assertEquals(1001, DatasetLoader.load(d).nUsers());
    }
}
