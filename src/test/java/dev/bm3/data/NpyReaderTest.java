package dev.bm3.data;

import dev.bm3.InvalidInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NpyReaderTest {
    @TempDir
    Path dir;

    /** Builds a .npy file the way numpy would, with a free-form header dict and raw data bytes. */
    private Path npy(int major, String dict, byte[] data) throws IOException {
        int lenBytes = major == 1 ? 2 : 4;
        int unpadded = 8 + lenBytes + dict.length() + 1;
        String header = dict + " ".repeat((64 - unpadded % 64) % 64) + "\n";
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + lenBytes + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) major).put((byte) 0);
        if (major == 1) {
            b.putShort((short) h.length);
        } else {
            b.putInt(h.length);
        }
        b.put(h).put(data);
        Path f = dir.resolve("a.npy");
        Files.write(f, b.array());
        return f;
    }

    private static String dict(String descr, String shape) {
        return "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
    }

    private static byte[] floats(float... v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(v);
        return b.array();
    }

    private static void assertRejects(Path f, String expected) {
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> NpyReader.readFeatures(f, "m"));
        assertTrue(e.getMessage().startsWith(f + ": "), e.getMessage());
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    @Test
    void roundTripsThroughWriter() {
        float[] data = {1.5f, -2f, 0f, 3.25f, 1e-8f, 7f};
        Path f = dir.resolve("out.npy");
        NpyWriter.write(f, new FeatureMatrix("x", 2, 3, data));
        FeatureMatrix back = NpyReader.readFeatures(f, "x");
        assertEquals(2, back.rows());
        assertEquals(3, back.cols());
        assertArrayEquals(data, back.data());
        assertEquals(0, NpyReader.readHeader(f).dataOffset() % 64);
    }

    @Test
    void writesTheHeaderNumpyWrites() throws IOException {
        Path real = SharedData.require("lastfm2k_mm/all-MiniLM-L6-v2.npy");
        Path f = dir.resolve("same.npy");
        NpyWriter.write(f, new FeatureMatrix("text", 1425, 384, new float[1425 * 384]));
        byte[] ours = Arrays.copyOf(Files.readAllBytes(f), 128);
        byte[] numpys = Arrays.copyOf(Files.readAllBytes(real), 128);
        assertArrayEquals(numpys, ours);
    }

    @Test
    void readsVersionsTwoAndThree() throws IOException {
        for (int v = 2; v <= 3; v++) {
            FeatureMatrix m = NpyReader.readFeatures(npy(v, dict("<f4", "(1, 2)"), floats(4f, 5f)), "m");
            assertArrayEquals(new float[] {4f, 5f}, m.data());
        }
    }

    @Test
    void readsHalfDoubleAndOneDimensional() throws IOException {
        ByteBuffer half = ByteBuffer.allocate(6).order(ByteOrder.LITTLE_ENDIAN);
        half.putShort((short) 0x3c00).putShort((short) 0xc000).putShort((short) 0x0001); // 1, -2, 2^-24
        FeatureMatrix h = NpyReader.readFeatures(npy(1, dict("<f2", "(3,)"), half.array()), "m");
        assertEquals(3, h.rows());
        assertEquals(1, h.cols());
        assertArrayEquals(new float[] {1f, -2f, 0x1p-24f}, h.data());

        ByteBuffer d = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
        d.putDouble(0.1).putDouble(-3);
        assertArrayEquals(new float[] {0.1f, -3f}, NpyReader.readFeatures(npy(1, dict("<f8", "(2, 1)"), d.array()), "m").data());
    }

    @Test
    void readsInts() throws IOException {
        ByteBuffer i4 = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putInt(7).putInt(-1);
        assertArrayEquals(new int[] {7, -1}, NpyReader.readInts(npy(1, dict("<i4", "(2,)"), i4.array())));
        ByteBuffer i8 = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(3).putLong(1L << 40);
        Path f = npy(1, dict("<i8", "(1, 2)"), i8.array());
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> NpyReader.readInts(f));
        assertTrue(e.getMessage().contains("value 1099511627776 at element 1 does not fit"), e.getMessage());
        assertArrayEquals(new long[] {1, 2}, NpyReader.readHeader(f).shape());
    }

    @Test
    void readsRealFloat64Features() {
        FeatureMatrix m = NpyReader.readFeatures(SharedData.require("lastfm2k_mm/vggish.npy"), "audio");
        assertEquals(1425, m.rows());
        assertEquals(128, m.cols());
    }

    @Test
    void rejectsBadMagic() throws IOException {
        Path f = dir.resolve("bad.npy");
        Files.write(f, "PK\3\4 not numpy at all".getBytes(StandardCharsets.US_ASCII));
        assertRejects(f, "bad magic");
    }

    @Test
    void rejectsUnsupportedVersion() throws IOException {
        assertRejects(npy(4, dict("<f4", "(1,)"), floats(1f)), "unsupported .npy format version 4.0");
    }

    @Test
    void rejectsTruncatedHeader() throws IOException {
        Path good = npy(1, dict("<f4", "(1,)"), floats(1f));
        Path f = dir.resolve("cut.npy");
        Files.write(f, Arrays.copyOf(Files.readAllBytes(good), 40));
        assertRejects(f, "truncated header");
        Files.write(f, Arrays.copyOf(Files.readAllBytes(good), 7));
        assertRejects(f, "truncated magic and version");
    }

    @Test
    void rejectsTruncatedData() throws IOException {
        assertRejects(npy(1, dict("<f4", "(2, 3)"), floats(1f, 2f)), "truncated data: shape (2, 3) of <f4 needs 24 bytes");
    }

    @Test
    void rejectsDataLongerThanShape() throws IOException {
        assertRejects(npy(1, dict("<f4", "(1, 1)"), floats(1f, 2f)), "the header does not describe the file");
    }

    @Test
    void rejectsUnsupportedDtype() throws IOException {
        assertRejects(npy(1, dict(">f4", "(1,)"), floats(1f)), "unsupported dtype '>f4' (big-endian");
        assertRejects(npy(1, dict("<c8", "(1,)"), floats(1f, 2f)), "unsupported dtype '<c8'");
        assertRejects(npy(1, dict("|O", "(1,)"), floats(1f, 2f)), "unsupported dtype '|O'");
        assertRejects(npy(1, "{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,), }", floats(1f)),
                "unsupported dtype");
    }

    @Test
    void rejectsIntegerFeatures() throws IOException {
        assertRejects(npy(1, dict("<i4", "(1,)"), floats(1f)), "features must be floating point");
    }

    @Test
    void rejectsFortranOrder() throws IOException {
        assertRejects(npy(1, "{'descr': '<f4', 'fortran_order': True, 'shape': (1, 1), }", floats(1f)),
                "Fortran-order arrays are not supported");
    }

    @Test
    void rejectsThreeDimensions() throws IOException {
        assertRejects(npy(1, dict("<f4", "(1, 1, 1)"), floats(1f)), "expected a 1-D or 2-D array, got shape (1, 1, 1)");
    }

    @Test
    void rejectsHugeShapeWithoutAllocating() throws IOException {
        assertRejects(npy(1, dict("<f4", "(1000000000, 1000000000)"), floats(1f)), "truncated data: shape (1000000000, 1000000000)");
        assertRejects(npy(1, dict("<f8", "(4611686018427387904, 4)"), floats(1f)), "is too large");
    }

    @Test
    void rejectsDimensionBeyondAnIntEvenWithoutElements() throws IOException {
        // (0, 10^12) holds no element, but its column count would wrap around as an int
        assertRejects(npy(1, dict("<f4", "(0, 1000000000000)"), new byte[0]), "shape (0, 1000000000000) is too large for a Java array");
    }

    @Test
    void rejectsNonAsciiDigitsInTheShape() throws IOException {
        assertRejects(npy(3, dict("<f4", "(\u0663,)"), floats(1f, 2f, 3f)), "expected a non-negative integer in the shape");
    }

    @Test
    void rejectsMalformedHeaderDict() throws IOException {
        assertRejects(npy(1, "{'descr': '<f4', 'shape': (1,), }", floats(1f)), "lacks 'fortran_order'");
        assertRejects(npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'x': 1}", floats(1f)), "bad npy header");
        assertRejects(npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (a,), }", floats(1f)), "bad npy header");
    }

    @Test
    void rejectsNonFiniteValues() throws IOException {
        assertRejects(npy(1, dict("<f4", "(2, 3)"), floats(0, 0, 0, 0, 0, Float.NaN)), "non-finite value NaN at row 1, column 2");
        assertRejects(npy(1, dict("<f4", "(2, 2)"), floats(0, Float.NEGATIVE_INFINITY, 0, 0)), "at row 0, column 1");
        ByteBuffer d = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putDouble(0).putDouble(1e300);
        assertRejects(npy(1, dict("<f8", "(1, 2)"), d.array()), "value 1.0E300 at row 0, column 1 is outside the float32 range");
    }
}
