package dev.bm3.data;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Writes a float32 matrix as a NumPy {@code .npy} file exactly as {@code numpy.save} does: format
 * 1.0, {@code <f4}, C order, the header padded with spaces and ended by a newline so the data
 * starts at a multiple of 64 bytes. The file is written atomically (temp file, then rename).
 */
public final class NpyWriter {
    private static final int ALIGN = 64;
    private static final int CHUNK_FLOATS = 1 << 16;

    private NpyWriter() {
    }

    public static void write(Path file, FeatureMatrix m) {
        String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + m.rows() + ", " + m.cols() + "), }";
        int unpadded = 10 + dict.length() + 1;
        int padding = (ALIGN - unpadded % ALIGN) % ALIGN;
        byte[] header = (dict + " ".repeat(padding) + "\n").getBytes(StandardCharsets.ISO_8859_1);
        try {
            AtomicFiles.write(file, raw -> {
                BufferedOutputStream out = new BufferedOutputStream(raw, 1 << 16);
                ByteBuffer prefix = ByteBuffer.allocate(10).order(ByteOrder.LITTLE_ENDIAN);
                prefix.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII))
                        .put((byte) 1).put((byte) 0).putShort((short) header.length);
                out.write(prefix.array());
                out.write(header);
                ByteBuffer chunk = ByteBuffer.allocate(4 * CHUNK_FLOATS).order(ByteOrder.LITTLE_ENDIAN);
                float[] data = m.data();
                for (int at = 0; at < data.length; at += CHUNK_FLOATS) {
                    int n = Math.min(CHUNK_FLOATS, data.length - at);
                    chunk.clear();
                    chunk.asFloatBuffer().put(data, at, n);
                    out.write(chunk.array(), 0, 4 * n);
                }
                out.flush();
            });
        } catch (IOException e) {
            throw new UncheckedIOException("writing " + file, e);
        }
    }
}
