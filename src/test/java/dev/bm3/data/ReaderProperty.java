package dev.bm3.data;

import dev.bm3.InvalidInputException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The property every reader must keep on ANY input: it returns normally or throws
 * {@link InvalidInputException} (nothing else), within a time bound, and allocates no more heap
 * than the input's size justifies. Shared by the fuzz tests ({@link ReaderFuzzTest}) and the
 * seeded mutation tests ({@link ReaderMutationTest}).
 */
final class ReaderProperty {
    /** A reader under test: reads the file, returns normally or throws. */
    interface Target {
        void read(Path file);
    }

    /** Read at most this long per input; the inputs are a few KB, so anything near it is a hang. */
    static final Duration TIME_BOUND = Duration.ofSeconds(5);
    /**
     * Heap one read may allocate: a fixed allowance (the .inter reader's initial 576 KB of row
     * arrays, line buffers, exception messages) plus a multiple of the file size (a float per
     * 2-byte half, boxed strings per line). A header that declares 10^12 elements in a small file
     * blows far past this, which is the point.
     */
    static final long FIXED_ALLOWANCE = 1L << 20;
    static final long PER_BYTE_ALLOWANCE = 64;

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    static final Target INTER = InterReader::read;
    static final Target NPY_FEATURES = f -> NpyReader.readFeatures(f, "m");
    static final Target NPY_HEADER = NpyReader::readHeader;
    static final Target NPY_INTS = NpyReader::readInts;

    private ReaderProperty() {
    }

    /** Writes {@code bytes} to {@code file} and checks the property, preempting a hang. */
    static void check(Path file, byte[] bytes, Target target) {
        write(file, bytes);
        assertTimeoutPreemptively(TIME_BOUND, () -> checkWritten(file, bytes, target),
                () -> "reader hung on " + describe(bytes));
    }

    /**
     * As {@link #check} but on the calling thread (under Jazzer, whose own -timeout catches
     * hangs, and a thread per input would only slow the fuzzer down).
     */
    static void checkInline(Path file, byte[] bytes, Target target) {
        write(file, bytes);
        checkWritten(file, bytes, target);
    }

    private static void checkWritten(Path file, byte[] bytes, Target target) {
        long size = bytes.length;
        long allowed = FIXED_ALLOWANCE + PER_BYTE_ALLOWANCE * size;
        long allocated = readOnce(file, bytes, target);
        if (allocated > allowed) {
            // The first read along a new path loads (and, under Jazzer, instruments) classes,
            // which allocates; a read that really allocates too much does so again.
            allocated = readOnce(file, bytes, target);
        }
        if (allocated > allowed) {
            fail("allocated " + allocated + " bytes for a " + size + "-byte input (allowed " + allowed + ") on "
                    + describe(bytes));
        }
    }

    /** One read: checks the outcome and the time, returns the bytes allocated. */
    private static long readOnce(Path file, byte[] bytes, Target target) {
        long t0 = System.nanoTime();
        long before = THREADS.getCurrentThreadAllocatedBytes();
        try {
            target.read(file);
        } catch (InvalidInputException e) {
            if (e.getMessage() == null || !e.getMessage().startsWith(file.toString())) {
                fail("InvalidInputException without the file name: " + e.getMessage() + " on " + describe(bytes));
            }
        } catch (OutOfMemoryError e) {
            fail("out of memory on " + describe(bytes), e);
        } catch (Throwable e) {
            fail("expected a dataset or InvalidInputException, got " + e + " on " + describe(bytes), e);
        }
        long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;
        long ms = (System.nanoTime() - t0) / 1_000_000;
        if (ms > TIME_BOUND.toMillis()) {
            fail("took " + ms + " ms on " + describe(bytes));
        }
        return allocated;
    }

    private static void write(Path file, byte[] bytes) {
        try {
            Files.write(file, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The input as Java escapes (first 300 bytes), so a failure can be pasted into a test. */
    static String describe(byte[] bytes) {
        StringBuilder s = new StringBuilder(bytes.length + " bytes: \"");
        for (int k = 0; k < Math.min(bytes.length, 300); k++) {
            int b = bytes[k] & 0xff;
            if (b >= 0x20 && b < 0x7f && b != '"' && b != '\\') {
                s.append((char) b);
            } else if (b == '\t') {
                s.append("\\t");
            } else if (b == '\n') {
                s.append("\\n");
            } else {
                s.append(String.format("\\x%02x", b));
            }
        }
        return s.append(bytes.length > 300 ? "...\"" : "\"").toString();
    }
}
