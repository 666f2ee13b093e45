package dev.bm3.data;

import dev.bm3.InvalidInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InterReaderTest {
    @TempDir
    Path dir;

    private Path write(String content) throws IOException {
        Path f = dir.resolve("d.inter");
        Files.writeString(f, content);
        return f;
    }

    private void assertRejects(String content, String lineTag, String expected) throws IOException {
        Path f = write(content);
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> InterReader.read(f));
        assertTrue(e.getMessage().startsWith(f + ":" + lineTag + ":"), e.getMessage());
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    @Test
    void readsColumnsInAnyOrderIgnoringOthers() throws IOException {
        Path f = write("x_label\trating\titemID\tuserID\n0\t1\t4\t0\n1\t1\t2\t3\n2\t5\t0\t1\n\n\n");
        InterTable t = InterReader.read(f);
        assertArrayEquals(new int[] {0, 3, 1}, t.users());
        assertArrayEquals(new int[] {4, 2, 0}, t.items());
        assertArrayEquals(new byte[] {0, 1, 2}, t.labels());
        assertEquals(4, t.nUsers());
        assertEquals(5, t.nItems());
    }

    @Test
    void readsCommaSeparatedWithCrlf() throws IOException {
        InterTable t = InterReader.read(write("userID,itemID,x_label\r\n2,7,0\r\n"));
        assertEquals(1, t.rows());
        assertEquals(3, t.nUsers());
        assertEquals(8, t.nItems());
    }

    @Test
    void rejectsMissingColumn() throws IOException {
        assertRejects("userID\titemID\trating\n0\t0\t1\n", "1", "missing required column 'x_label'");
    }

    @Test
    void rejectsDuplicateHeaderName() throws IOException {
        assertRejects("userID\titemID\tx_label\titemID\n0\t0\t0\t0\n", "1", "duplicate column name 'itemID'");
    }

    @Test
    void rejectsNonIntegerId() throws IOException {
        assertRejects("userID\titemID\tx_label\n0\t0\t0\n1\t2.5\t0\n", "3", "itemID must be a non-negative integer, got '2.5'");
    }

    @Test
    void rejectsNegativeId() throws IOException {
        assertRejects("userID\titemID\tx_label\n-1\t0\t0\n", "2", "userID must be non-negative, got -1");
    }

    @Test
    void rejectsLabelOutsideZeroToTwo() throws IOException {
        assertRejects("userID\titemID\tx_label\n0\t0\t3\n", "2", "x_label must be 0 (train), 1 (valid) or 2 (test), got 3");
    }

    @Test
    void rejectsWrongFieldCount() throws IOException {
        assertRejects("userID\titemID\tx_label\n0\t0\t0\n0\t1\n", "3", "expected 3 fields (as in the header), got 2");
        assertRejects("userID\titemID\tx_label\n0\t1\t0\t9\n", "2", "expected 3 fields (as in the header), got 4");
    }

    @Test
    void rejectsEmptyFile() throws IOException {
        assertRejects("", "1", "empty file");
    }

    @Test
    void rejectsHeaderWithoutRows() throws IOException {
        assertRejects("userID\titemID\tx_label\n\n", "2", "no interaction rows");
    }

    @Test
    void rejectsTooLargeId() throws IOException {
        assertRejects("userID\titemID\tx_label\n0\t2147483647\t0\n", "2", "itemID 2147483647 is too large");
        assertRejects("userID\titemID\tx_label\n99999999999999999999\t0\t0\n", "2", "is too large");
    }

    @Test
    void acceptsLargestId() throws IOException {
        assertEquals(Integer.MAX_VALUE, InterReader.read(write("userID\titemID\tx_label\n2147483646\t0\t0\n")).nUsers());
    }

    @Test
    void rejectsBlankLineBeforeData() throws IOException {
        assertRejects("userID\titemID\tx_label\n0\t0\t0\n\n1\t1\t0\n", "3", "blank line");
    }

    @Test
    void rejectsMissingFile() {
        Path f = dir.resolve("absent.inter");
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> InterReader.read(f));
        assertTrue(e.getMessage().contains(f + ": no such file"), e.getMessage());
    }

    @Test
    void readsBabyQuickly() {
        Path f = SharedData.require("amazon_baby_interactions_only/baby.inter");
        long t0 = System.nanoTime();
        InterTable t = InterReader.read(f);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(160_792, t.rows());
        assertEquals(19_445, t.nUsers());
        assertEquals(7_050, t.nItems());
        assertTrue(ms < 2_000, "reading baby.inter took " + ms + " ms");
    }
}
