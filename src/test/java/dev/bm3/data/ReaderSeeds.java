package dev.bm3.data;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Small valid inputs the fuzzers start from: each reader accepts every one of them. */
public final class ReaderSeeds {
    private ReaderSeeds() {
    }

    static List<byte[]> inter() {
        List<String> texts = List.of(
                "userID\titemID\tx_label\n0\t0\t0\n0\t1\t1\n1\t1\t0\n1\t0\t2\n",
                "userID,itemID,x_label\r\n2,7,0\r\n0,3,1\r\n",
                "x_label\trating\titemID\tuserID\ttimestamp\n0\t5\t4\t0\t978300760\n1\t3\t2\t3\t978302109\n2\t4\t0\t1\t1\n\n",
                "\uFEFFuserID\titemID\tx_label\n 10 \t 20 \t2\n",
                "userID\titemID\tx_label\n2147483646\t0\t0\n");
        List<byte[]> out = new ArrayList<>();
        for (String t : texts) {
            out.add(t.getBytes(StandardCharsets.UTF_8));
        }
        return out;
    }

    /** Float features (every float dtype, 1-D and 2-D, each format version). */
    static List<byte[]> npyFeatures() {
        List<byte[]> out = new ArrayList<>();
        out.add(npy(1, "<f4", "(2, 3)", floats(1.5f, -2f, 0f, 3.25f, 1e-8f, 7f)));
        out.add(npy(2, "<f4", "(3,)", floats(4f, 5f, 6f)));
        out.add(npy(3, "<f4", "(1, 2)", floats(4f, 5f)));
        ByteBuffer half = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        half.putShort((short) 0x3c00).putShort((short) 0xc000).putShort((short) 0x0001).putShort((short) 0x7bff);
        out.add(npy(1, "<f2", "(2, 2)", half.array()));
        ByteBuffer d = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN).putDouble(0.1).putDouble(-3).putDouble(1e30);
        out.add(npy(1, "<f8", "(3, 1)", d.array()));
        out.add(npy(1, "<f4", "(0, 4)", new byte[0]));
        return out;
    }

    static List<byte[]> npyInts() {
        List<byte[]> out = new ArrayList<>();
        out.add(npy(1, "<i4", "(2,)", ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putInt(7).putInt(-1).array()));
        out.add(npy(1, "<i8", "(1, 2)", ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(3).putLong(-4).array()));
        return out;
    }

    /** A .npy file as numpy writes it: header dict padded with spaces to 64 bytes, then '\n'. */
    static byte[] npy(int major, String descr, String shape, byte[] data) {
        return npyBytes(major, "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }", data);
    }

    /** A .npy file laid out as numpy does (header padded to 64 bytes) with any dict and data, lying or not. */
    public static byte[] npyBytes(int major, String dict, byte[] data) {
        int lenBytes = major == 1 ? 2 : 4;
        int unpadded = 8 + lenBytes + dict.length() + 1;
        byte[] h = (dict + " ".repeat((64 - unpadded % 64) % 64) + "\n").getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer b = ByteBuffer.allocate(8 + lenBytes + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) major).put((byte) 0);
        if (major == 1) {
            b.putShort((short) h.length);
        } else {
            b.putInt(h.length);
        }
        return b.put(h).put(data).array();
    }

    static byte[] floats(float... v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(v);
        return b.array();
    }
}
