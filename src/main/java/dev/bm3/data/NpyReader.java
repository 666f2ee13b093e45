package dev.bm3.data;

import dev.bm3.InvalidInputException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Reads NumPy {@code .npy} files (format versions 1.0, 2.0 and 3.0): 1-D or 2-D, C order,
 * little-endian {@code <f2}, {@code <f4}, {@code <f8} (as float32 features) or {@code <i4},
 * {@code <i8} (as ints). The declared shape is checked against the file size before anything is
 * allocated, so a corrupt header cannot trigger a huge allocation; data longer than the shape
 * says is an error too, since it means the header does not describe the file. Features must be
 * finite; a NaN or infinity is reported with its row and column.
 */
public final class NpyReader {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final String SUPPORTED = "<f2, <f4, <f8 (features) or <i4, <i8 (ints)";
    /** Bulk-read chunk: big enough to amortize the read calls, small enough to not matter in memory. */
    private static final int CHUNK_BYTES = 1 << 22;
    /** Largest Java array length the JVMs reliably allocate. */
    private static final long MAX_ELEMENTS = Integer.MAX_VALUE - 8;

    private NpyReader() {
    }

    /** Reads and validates only the header (magic, version, dict, dtype, rank, size against the file). */
    public static NpyHeader readHeader(Path file) {
        try (FileChannel ch = open(file)) {
            return header(file, ch);
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + file, e);
        }
    }

    /**
     * Reads a float matrix as the named modality; a 1-D array of length n becomes n x 1. Any
     * supported float dtype is converted to float32 (values beyond float32's range are errors).
     */
    public static FeatureMatrix readFeatures(Path file, String modality) {
        try (FileChannel ch = open(file)) {
            NpyHeader h = header(file, ch);
            if (h.descr().charAt(1) != 'f') {
                throw InvalidInputException.in(file, "features must be floating point (<f2, <f4, <f8), got dtype " + h.descr());
            }
            int rows = (int) h.shape()[0];
            int cols = h.shape().length == 2 ? (int) h.shape()[1] : 1;
            if (cols == 0) {
                throw InvalidInputException.in(file, "feature matrix of shape " + h.shapeString() + " has no columns");
            }
            float[] out = new float[rows * cols];
            int itemSize = itemSize(h.descr());
            readChunks(file, ch, h, itemSize, (buf, at, n) -> {
                switch (itemSize) {
                    case 4 -> buf.asFloatBuffer().get(out, at, n);
                    case 8 -> {
                        var doubles = buf.asDoubleBuffer();
                        for (int k = 0; k < n; k++) {
                            double d = doubles.get(k);
                            float f = (float) d;
                            if (Float.isInfinite(f) && Double.isFinite(d)) {
                                throw InvalidInputException.in(file, "value " + d + " at " + cell(at + k, cols)
                                        + " is outside the float32 range");
                            }
                            out[at + k] = f;
                        }
                    }
                    default -> {
                        var halves = buf.asShortBuffer();
                        for (int k = 0; k < n; k++) {
                            out[at + k] = halfToFloat(halves.get(k));
                        }
                    }
                }
            });
            for (int k = 0; k < out.length; k++) {
                if (!Float.isFinite(out[k])) {
                    throw InvalidInputException.in(file, "non-finite value " + out[k] + " at " + cell(k, cols)
                            + " (features must be finite)");
                }
            }
            return new FeatureMatrix(modality, rows, cols, out);
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + file, e);
        }
    }

    /**
     * Reads an integer array ({@code <i4} or {@code <i8}), flattened in C order; the shape is in
     * {@link #readHeader(Path)}. {@code <i8} values must fit an int.
     */
    public static int[] readInts(Path file) {
        try (FileChannel ch = open(file)) {
            NpyHeader h = header(file, ch);
            if (h.descr().charAt(1) != 'i') {
                throw InvalidInputException.in(file, "expected an integer array (<i4, <i8), got dtype " + h.descr());
            }
            int[] out = new int[(int) h.elementCount(file)];
            int itemSize = itemSize(h.descr());
            readChunks(file, ch, h, itemSize, (buf, at, n) -> {
                if (itemSize == 4) {
                    buf.asIntBuffer().get(out, at, n);
                    return;
                }
                var longs = buf.asLongBuffer();
                for (int k = 0; k < n; k++) {
                    long v = longs.get(k);
                    if (v != (int) v) {
                        throw InvalidInputException.in(file, "value " + v + " at element " + (at + k) + " does not fit a 32-bit int");
                    }
                    out[at + k] = (int) v;
                }
            });
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + file, e);
        }
    }

    private static FileChannel open(Path file) throws IOException {
        try {
            return FileChannel.open(file, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw InvalidInputException.in(file, "no such file");
        }
    }

    private static NpyHeader header(Path file, FileChannel ch) throws IOException {
        long size = ch.size();
        ByteBuffer prefix = readAt(file, ch, 0, 8, "magic and version");
        for (int k = 0; k < MAGIC.length; k++) {
            if (prefix.get(k) != MAGIC[k]) {
                throw InvalidInputException.in(file, "not a .npy file (bad magic; expected \\x93NUMPY)");
            }
        }
        int major = prefix.get(6) & 0xff;
        int minor = prefix.get(7) & 0xff;
        if (major < 1 || major > 3 || minor != 0) {
            throw InvalidInputException.in(file, "unsupported .npy format version " + major + "." + minor
                    + " (expected 1.0, 2.0 or 3.0)");
        }
        int lenBytes = major == 1 ? 2 : 4;
        ByteBuffer len = readAt(file, ch, 8, lenBytes, "header length");
        long headerLen = major == 1 ? len.getShort(0) & 0xffff : len.getInt(0) & 0xffffffffL;
        long dataOffset = 8 + lenBytes + headerLen;
        if (dataOffset > size) {
            throw InvalidInputException.in(file, "truncated header: it declares " + headerLen + " bytes, the file has "
                    + Math.max(0, size - 8 - lenBytes));
        }
        if (headerLen > 1 << 20) {
            throw InvalidInputException.in(file, "npy header of " + headerLen + " bytes is implausibly large");
        }
        ByteBuffer raw = readAt(file, ch, 8 + lenBytes, (int) headerLen, "header");
        byte[] bytes = new byte[(int) headerLen];
        raw.get(bytes);
        // Versions 1 and 2 store the header in latin-1; version 3 allows UTF-8.
        String text = new String(bytes, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        NpyHeader h = NpyHeader.parse(file, text, dataOffset);

        itemSize(file, h.descr());
        if (h.shape().length != 1 && h.shape().length != 2) {
            throw InvalidInputException.in(file, "expected a 1-D or 2-D array, got shape " + h.shapeString());
        }
        long count = h.elementCount(file);
        long needed;
        try {
            needed = Math.multiplyExact(count, itemSize(h.descr()));
        } catch (ArithmeticException e) {
            throw InvalidInputException.in(file, "shape " + h.shapeString() + " is too large");
        }
        long available = size - dataOffset;
        if (available < needed) {
            throw InvalidInputException.in(file, "truncated data: shape " + h.shapeString() + " of " + h.descr()
                    + " needs " + needed + " bytes after the header, the file has " + available);
        }
        if (available > needed) {
            throw InvalidInputException.in(file, "the header does not describe the file: shape " + h.shapeString()
                    + " of " + h.descr() + " needs " + needed + " bytes after the header, the file has " + available);
        }
        // Every dimension, not just the product: (0, 10^12) holds no element, yet its column count
        // would wrap around as an int.
        boolean dimTooLarge = false;
        for (long d : h.shape()) {
            dimTooLarge |= d > MAX_ELEMENTS;
        }
        if (count > MAX_ELEMENTS || dimTooLarge) {
            throw InvalidInputException.in(file, "shape " + h.shapeString() + " is too large for a Java array (at most "
                    + MAX_ELEMENTS + " elements and per dimension)");
        }
        return h;
    }

    private static int itemSize(String descr) {
        return descr.charAt(2) - '0';
    }

    private static void itemSize(Path file, String descr) {
        switch (descr) {
            case "<f2", "<f4", "<f8", "<i4", "<i8" -> { }
            default -> {
                String hint = descr.startsWith(">") ? " (big-endian data is not supported; use .astype('<"
                        + descr.substring(1) + "'))" : "";
                throw InvalidInputException.in(file, "unsupported dtype '" + descr + "'" + hint + "; expected " + SUPPORTED);
            }
        }
    }

    private static ByteBuffer readAt(Path file, FileChannel ch, long position, int n, String what) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
        while (buf.hasRemaining()) {
            if (ch.read(buf, position + buf.position()) < 0) {
                throw InvalidInputException.in(file, "truncated " + what + ": the file ends after "
                        + (position + buf.position()) + " bytes");
            }
        }
        return buf.flip();
    }

    /** Receives consecutive little-endian chunks: {@code n} elements destined for index {@code at}. */
    private interface ChunkSink {
        void accept(ByteBuffer chunk, int at, int n);
    }

    private static void readChunks(Path file, FileChannel ch, NpyHeader h, int itemSize, ChunkSink sink) throws IOException {
        long total = h.elementCount(file) * itemSize;
        ByteBuffer buf = ByteBuffer.allocateDirect((int) Math.min(total, CHUNK_BYTES)).order(ByteOrder.LITTLE_ENDIAN);
        long done = 0;
        while (done < total) {
            buf.clear().limit((int) Math.min(buf.capacity(), total - done));
            while (buf.hasRemaining()) {
                if (ch.read(buf, h.dataOffset() + done + buf.position()) < 0) {
                    throw InvalidInputException.in(file, "truncated data: the file shrank while being read");
                }
            }
            buf.flip();
            sink.accept(buf, (int) (done / itemSize), buf.remaining() / itemSize);
            done += buf.limit();
        }
    }

    private static String cell(long index, int cols) {
        return "row " + index / cols + ", column " + index % cols;
    }

    /** IEEE 754 binary16 to float32 (Java 17 has no Float.float16ToFloat). */
    static float halfToFloat(short bits) {
        int h = bits & 0xffff;
        int sign = (h & 0x8000) << 16;
        int exp = (h >>> 10) & 0x1f;
        int mant = h & 0x3ff;
        if (exp == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
        }
        if (exp == 0) {
            // zero or subnormal: value = mant * 2^-24
            float v = mant * 0x1p-24f;
            return sign == 0 ? v : -v;
        }
        return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
    }
}
