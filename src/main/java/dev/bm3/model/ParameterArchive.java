package dev.bm3.model;

import dev.bm3.InvalidInputException;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.InputArchive;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.OutputArchive;
import org.bytedeco.pytorch.Tensor;

import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/**
 * Named parameters in LibTorch archives, shared by every model's {@code save}/{@code load} and
 * training-state files: one place for the shape check and for turning LibTorch's errors (which
 * carry a C++ backtrace) into a one-line input error naming the file.
 */
final class ParameterArchive {
    private ParameterArchive() {
    }

    /** Writes {@code params} under {@code prefix + name}, then whatever {@code extra} adds, to {@code file}. */
    static void write(Path file, String prefix, List<String> names, List<Tensor> params, Consumer<OutputArchive> extra) {
        try (PointerScope scope = new PointerScope()) {
            OutputArchive archive = new OutputArchive();
            for (int k = 0; k < names.size(); k++) {
                archive.write(prefix + names.get(k), params.get(k));
            }
            extra.accept(archive);
            archive.save_to(file.toString());
        }
    }

    /**
     * Reads {@code params} in place (no gradient) from {@code file}, then hands the archive to
     * {@code extra}; a missing, truncated or foreign file is an {@link InvalidInputException}.
     */
    static void read(Path file, String what, String prefix, List<String> names, List<Tensor> params,
                     Consumer<InputArchive> extra) {
        try (PointerScope scope = new PointerScope(); NoGradGuard g = new NoGradGuard()) {
            InputArchive archive = new InputArchive();
            archive.load_from(file.toString());
            for (int k = 0; k < names.size(); k++) {
                Tensor t = new Tensor();
                archive.read(prefix + names.get(k), t);
                Tensor p = params.get(k);
                if (t.dim() != p.dim() || t.numel() != p.numel()) {
                    throw new InvalidInputException(file + ": parameter '" + names.get(k) + "' has " + t.numel()
                            + " values, the model expects " + p.numel());
                }
                p.copy_(t);
            }
            extra.accept(archive);
        } catch (InvalidInputException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new InvalidInputException(file + ": cannot read " + what + ": " + firstLine(e), e);
        }
    }

    /** Reads {@code key} into {@code into} in place; the element count and dtype must match. */
    static void readInto(InputArchive archive, String key, Tensor into) {
        Tensor t = new Tensor();
        archive.read(key, t);
        if (t.numel() != into.numel() || !t.scalar_type().toString().equals(into.scalar_type().toString())) {
            throw new IllegalArgumentException(key + " has " + t.numel() + " values of " + t.scalar_type() + ", expected "
                    + into.numel() + " of " + into.scalar_type());
        }
        into.copy_(t.reshape(into.sizes()));
    }

    /** Reads the int64 vector {@code key} into {@code into}; its length must match. */
    static void readLongs(InputArchive archive, String key, long[] into) {
        Tensor t = new Tensor();
        archive.read(key, t);
        if (t.numel() != into.length) {
            throw new IllegalArgumentException(key + " has " + t.numel() + " entries, expected " + into.length);
        }
        t.contiguous().data_ptr_long().get(into);
    }

    /** LibTorch's messages carry a C++ backtrace after the first line: users need only the first. */
    static String firstLine(RuntimeException e) {
        String m = String.valueOf(e.getMessage());
        int nl = m.indexOf('\n');
        return (nl < 0 ? m : m.substring(0, nl)).strip();
    }
}
