package dev.bm3.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.bm3.InvalidInputException;
import dev.bm3.config.TrainConfig;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A run directory: {@code config.yaml}, {@code manifest.json}, {@code epochs.csv},
 * {@code metrics.json}, {@code model.pt} (best validation epoch) and {@code training-curve.png}.
 * Every file is written to a temporary sibling, flushed to disk and renamed, so a crash leaves
 * either the previous version or the new one, never a torn file.
 */
public final class RunDirectory {
    public static final String CONFIG = "config.yaml";
    public static final String MANIFEST = "manifest.json";
    public static final String EPOCHS = "epochs.csv";
    public static final String METRICS = "metrics.json";
    public static final String MODEL = "model.pt";
    public static final String CURVE = "training-curve.png";

    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Path dir;

    private RunDirectory(Path dir) {
        this.dir = dir;
    }

    /** Opens an existing run directory for reading (it must hold a manifest). */
    public static RunDirectory open(Path dir) {
        if (!Files.isRegularFile(dir.resolve(MANIFEST))) {
            throw new InvalidInputException(dir + ": not a run directory (no " + MANIFEST + ")");
        }
        return new RunDirectory(dir);
    }

    /**
     * Creates the directory. An existing non-empty directory is refused (a finished run is never
     * overwritten by accident).
     */
    public static RunDirectory create(Path dir) {
        try {
            if (Files.exists(dir)) {
                if (!Files.isDirectory(dir)) {
                    throw new InvalidInputException("--out " + dir + ": exists and is not a directory");
                }
                try (var entries = Files.list(dir)) {
                    if (entries.findAny().isPresent()) {
                        throw new InvalidInputException("--out " + dir
                                + ": directory exists and is not empty; choose a new run directory");
                    }
                }
            }
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new InvalidInputException("--out " + dir + ": cannot create run directory: " + e.getMessage(), e);
        }
        return new RunDirectory(dir);
    }

    public Path path() {
        return dir;
    }

    public Path resolve(String name) {
        return dir.resolve(name);
    }

    /** A sub-run (one grid combination) in {@code grid/NAME}. */
    public RunDirectory child(String name) {
        Path sub = dir.resolve("grid").resolve(name);
        try {
            Files.createDirectories(sub);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + sub, e);
        }
        return new RunDirectory(sub);
    }

    public void writeConfig(TrainConfig config) {
        DumperOptions o = new DumperOptions();
        o.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        Map<String, Object> m = config.toMap();
        String text = "# resolved configuration of this run (MMRec key names)\n" + new Yaml(o).dump(m);
        writeAtomically(dir.resolve(CONFIG), text.getBytes(StandardCharsets.UTF_8));
    }

    public void writeJson(String name, Object value) {
        try {
            writeAtomically(dir.resolve(name), JSON.writeValueAsBytes(value));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serialise " + name, e);
        }
    }

    @SuppressWarnings("unchecked")
    public Map<String, Object> readJson(String name) {
        try {
            return JSON.readValue(dir.resolve(name).toFile(), LinkedHashMap.class);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            var at = e.getLocation();
            String where = at == null ? "" : ":" + at.getLineNr() + ":" + at.getColumnNr();
            throw new InvalidInputException(dir.resolve(name) + where + ": not valid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new InvalidInputException(dir.resolve(name) + ": cannot read JSON: " + e.getMessage(), e);
        }
    }

    /** Rewrites {@code epochs.csv} with all records so far (small; atomic as a whole). */
    public void writeEpochs(List<EpochRecord> records, List<String> metricNames) {
        StringBuilder sb = new StringBuilder("epoch,loss,train_seconds,eval_seconds");
        for (String m : metricNames) {
            sb.append(",valid_").append(m);
        }
        sb.append('\n');
        for (EpochRecord r : records) {
            sb.append(r.epoch()).append(',').append(fmt(r.loss())).append(',')
                    .append(String.format(Locale.ROOT, "%.4f,%.4f", r.trainSeconds(), r.evalSeconds()));
            for (String m : metricNames) {
                sb.append(',').append(fmt(r.valid().get(m)));
            }
            sb.append('\n');
        }
        writeAtomically(dir.resolve(EPOCHS), sb.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.6f", v);
    }

    /** The {@code metrics.json} body of one run. */
    public static Map<String, Object> metricsOf(TrainResult r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("best_epoch", r.bestEpoch());
        m.put("valid", r.valid().metrics());
        m.put("test", r.test().metrics());
        return m;
    }

    /** Writes a file through {@code writer} into a temporary sibling, then renames it into place. */
    public void writeAtomically(String name, Consumer<Path> writer) {
        Path target = dir.resolve(name);
        Path tmp = dir.resolve("." + name + ".tmp");
        try {
            Files.deleteIfExists(tmp);
            writer.accept(tmp);
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            move(tmp, target);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
        }
    }

    static void writeAtomically(Path target, byte[] bytes) {
        Path tmp = target.resolveSibling("." + target.getFileName() + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            while (b.hasRemaining()) {
                ch.write(b);
            }
            ch.force(true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
        }
        try {
            move(tmp, target);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
        }
    }

    private static void move(Path tmp, Path target) throws IOException {
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
        // make the rename itself durable: fsync the directory entry (Linux allows it)
        try (FileChannel dir = FileChannel.open(target.toAbsolutePath().getParent(), StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException e) {
            // not supported on this file system: the rename is still atomic
        }
    }

    /** Copies a file of a sub-run into this directory (atomically). */
    public void copyFrom(RunDirectory other, String name) {
        Path src = other.resolve(name);
        if (Files.exists(src)) {
            writeAtomically(name, tmp -> {
                try {
                    Files.copy(src, tmp, StandardCopyOption.REPLACE_EXISTING);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
