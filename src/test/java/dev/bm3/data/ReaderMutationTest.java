package dev.bm3.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Seeded mutation fuzzing of the {@code .inter} and {@code .npy} readers, part of every
 * {@code mvn test}: valid seed files ({@link ReaderSeeds}) are mutated (bit flips, interesting
 * bytes, truncation, insertion, deletion, duplication, splicing, and format-aware edits of ids,
 * separators, dtypes, shapes and header lengths) and every result must satisfy
 * {@link ReaderProperty}. It complements the coverage-guided {@link ReaderFuzzTest}, which plain
 * {@code mvn test} only replays.
 *
 * <p>Reproducible: a failure names the seed and iteration. Longer runs:
 * {@code mvn -B -o test -Dtest=ReaderMutationTest -Dbm3.fuzz.iterations=200000 -Dbm3.fuzz.seed=7}.
 */
class ReaderMutationTest {
    private static final long SEED = Long.getLong("bm3.fuzz.seed", 20261204L);
    private static final int ITERATIONS = Integer.getInteger("bm3.fuzz.iterations", 3000);

    private static final String[] INTER_TOKENS = {"-1", "0", "2", "3", "2147483646", "2147483647",
        "99999999999999999999", "", " ", "x", "1.5", "1e3", "+1", "\t", ",", "\r", "\r\n", "\n", "\n\n",
        "userID", "itemID", "x_label", "\uFEFF", "\u0663", "\u0000", "\"0\"", "0x1"};
    private static final String[] NPY_TOKENS = {"(1000000000000,)", "(0, 1000000000000)", "(4294967296, 0)",
        "(4294967297, 1)", "(1000000, 1000000)", "()", "(1, 1, 1)", "(2, 3)", "(3,)", "(-1, 2)", "(9223372036854775807,)",
        "'<f4'", "'>f4'", "'<c8'", "'|O'", "'<f16'", "'<U10'", "'<i2'", "''", "'<f8'", "'<f2'", "'<i8'", "True",
        "False", "[('a', '<f4')]", "'x': 1", "{", "}", "'", "\u0663", "\u00ff"};

    @TempDir
    Path dir;

    @Test
    void interReaderRejectsOrReadsEveryMutant() {
        run("mutant.inter", ReaderSeeds.inter(), INTER_TOKENS, ReaderProperty.INTER, StandardCharsets.UTF_8);
    }

    @Test
    void npyFeatureReaderRejectsOrReadsEveryMutant() {
        run("mutant.npy", ReaderSeeds.npyFeatures(), NPY_TOKENS, ReaderProperty.NPY_FEATURES, StandardCharsets.ISO_8859_1);
    }

    @Test
    void npyHeaderReaderRejectsOrReadsEveryMutant() {
        run("mutant.npy", ReaderSeeds.npyFeatures(), NPY_TOKENS, ReaderProperty.NPY_HEADER, StandardCharsets.ISO_8859_1);
    }

    @Test
    void npyIntReaderRejectsOrReadsEveryMutant() {
        run("mutant.npy", ReaderSeeds.npyInts(), NPY_TOKENS, ReaderProperty.NPY_INTS, StandardCharsets.ISO_8859_1);
    }

    @Test
    void seedsAreAccepted() {
        for (byte[] seed : ReaderSeeds.inter()) {
            Path f = dir.resolve("seed.inter");
            ReaderProperty.check(f, seed, ReaderProperty.INTER);
            assertTrue(InterReader.read(f).rows() > 0);
        }
        for (byte[] seed : ReaderSeeds.npyFeatures()) {
            Path f = dir.resolve("seed.npy");
            ReaderProperty.check(f, seed, ReaderProperty.NPY_FEATURES);
            NpyReader.readFeatures(f, "m");
        }
    }

    private void run(String name, List<byte[]> seeds, String[] tokens, ReaderProperty.Target target,
                     java.nio.charset.Charset tokenCharset) {
        Path file = dir.resolve(name);
        SplittableRandom root = new SplittableRandom(SEED);
        for (int it = 0; it < ITERATIONS; it++) {
            SplittableRandom rnd = root.split();
            byte[] input = seeds.get(rnd.nextInt(seeds.size()));
            int rounds = 1 + rnd.nextInt(4);
            for (int r = 0; r < rounds; r++) {
                input = mutate(input, seeds, tokens, tokenCharset, rnd);
            }
            try {
                ReaderProperty.check(file, input, target);
            } catch (AssertionError e) {
                throw new AssertionError("seed " + SEED + ", iteration " + it + ": " + e.getMessage(), e);
            }
        }
    }

    static byte[] mutate(byte[] in, List<byte[]> seeds, String[] tokens, java.nio.charset.Charset cs,
                         SplittableRandom rnd) {
        int n = in.length;
        int at = n == 0 ? 0 : rnd.nextInt(n);
        switch (rnd.nextInt(10)) {
            case 0 -> { // flip one bit
                if (n == 0) {
                    return in;
                }
                byte[] out = in.clone();
                out[at] ^= (byte) (1 << rnd.nextInt(8));
                return out;
            }
            case 1 -> { // an interesting byte
                if (n == 0) {
                    return in;
                }
                byte[] out = in.clone();
                byte[] interesting = {0, -1, 0x7f, (byte) 0x80, '\t', ',', '\n', '\r', '-', '9', '(', ')', '\'', ' '};
                out[at] = interesting[rnd.nextInt(interesting.length)];
                return out;
            }
            case 2 -> { // truncate
                return Arrays.copyOf(in, at);
            }
            case 3 -> { // insert random bytes
                byte[] ins = new byte[1 + rnd.nextInt(16)];
                for (int k = 0; k < ins.length; k++) {
                    ins[k] = (byte) rnd.nextInt(256);
                }
                return splice(in, at, at, ins);
            }
            case 4 -> { // delete a range
                return splice(in, at, Math.min(n, at + 1 + rnd.nextInt(16)), new byte[0]);
            }
            case 5 -> { // duplicate a range
                int to = Math.min(n, at + 1 + rnd.nextInt(64));
                int p = rnd.nextInt(n + 1);
                return splice(in, p, p, Arrays.copyOfRange(in, at, to));
            }
            case 6 -> { // splice the head of this with the tail of another seed
                byte[] other = seeds.get(rnd.nextInt(seeds.size()));
                int cut = other.length == 0 ? 0 : rnd.nextInt(other.length);
                return splice(Arrays.copyOf(in, at), at, at, Arrays.copyOfRange(other, cut, other.length));
            }
            case 7 -> { // overwrite with a little-endian integer (lengths, counts)
                if (n < 4) {
                    return in;
                }
                byte[] out = in.clone();
                long[] values = {0, 1, 0xffff, 0x7fffffffL, 0xffffffffL, 1L << 20, n, n - 10, n + 10};
                long v = values[rnd.nextInt(values.length)];
                int width = rnd.nextBoolean() ? 2 : 4;
                int p = rnd.nextInt(n - width + 1);
                for (int k = 0; k < width; k++) {
                    out[p + k] = (byte) (v >>> (8 * k));
                }
                return out;
            }
            case 8 -> { // replace a whole (...) or '...' value, e.g. the shape or the dtype, with a token
                String token = tokens[rnd.nextInt(tokens.length)];
                char open = token.isEmpty() ? '(' : token.charAt(0);
                char close = open == '(' ? ')' : open == '\'' ? '\'' : 0;
                if (close == 0) {
                    return in;
                }
                int from = indexOf(in, (byte) open, at);
                if (from < 0) {
                    from = indexOf(in, (byte) open, 0);
                }
                int to = from < 0 ? -1 : indexOf(in, (byte) close, from + 1);
                if (to < 0) {
                    return in;
                }
                return splice(in, from, to + 1, token.getBytes(cs));
            }
            default -> { // replace a token-sized run with a format-aware token
                byte[] token = tokens[rnd.nextInt(tokens.length)].getBytes(cs);
                int to = Math.min(n, at + rnd.nextInt(12));
                return splice(in, at, to, token);
            }
        }
    }

    /** First {@code b} at or after {@code from}; -1 if absent. */
    private static int indexOf(byte[] in, byte b, int from) {
        for (int p = from; p < in.length; p++) {
            if (in[p] == b) {
                return p;
            }
        }
        return -1;
    }

    private static byte[] splice(byte[] in, int from, int to, byte[] insert) {
        byte[] out = new byte[in.length - (to - from) + insert.length];
        System.arraycopy(in, 0, out, 0, from);
        System.arraycopy(insert, 0, out, from, insert.length);
        System.arraycopy(in, to, out, from + insert.length, in.length - to);
        return out;
    }
}
