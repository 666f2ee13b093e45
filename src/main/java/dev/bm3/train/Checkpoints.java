package dev.bm3.train;

import dev.bm3.InvalidInputException;
import dev.bm3.config.TrainConfig;
import dev.bm3.eval.EvalResult;
import dev.bm3.model.Model;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Resumable checkpoints in a run directory. A checkpoint is a model state file
 * ({@code checkpoint-eEEEEE-sSSSSS.pt}: parameters, optimizer state, random streams) plus
 * {@code checkpoint.json} (where training stands, early stopping, best metrics, the epoch log, the
 * resolved config, the dataset checksum and the state file's SHA-256). The state file is written
 * and renamed into place first, and the JSON, renamed atomically, is the commit point: a crash at
 * any moment leaves the previous checkpoint valid. {@code checkpoint-best.json} keeps the state of
 * the best validation epoch; state files no checkpoint refers to are deleted.
 */
public final class Checkpoints {
    public static final String LAST = "checkpoint.json";
    public static final String BEST = "checkpoint-best.json";
    static final int FORMAT = 1;

    private Checkpoints() {
    }

    /** Writes a checkpoint of {@code state}; also the best one when the last epoch was the best. */
    public static void write(RunDirectory dir, TrainState state, Model model, TrainConfig config, String datasetChecksum) {
        String stateFile = String.format("checkpoint-e%06d-s%06d.pt", state.epoch(), state.step());
        dir.writeAtomically(stateFile, model::saveTrainingState);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("format", FORMAT);
        json.put("epoch", state.epoch());
        json.put("step", state.step());
        json.put("loss_sum", state.lossSum());
        json.put("train_nanos", state.trainNanos());
        Map<String, Object> stop = new LinkedHashMap<>();
        double best = state.stopping().best();
        stop.put("best", Double.isFinite(best) ? best : null); // null: no epoch evaluated yet
        stop.put("best_epoch", state.stopping().bestEpoch());
        stop.put("since_best", state.stopping().sinceBest());
        json.put("early_stopping", stop);
        json.put("best_valid", eval(state.bestValid()));
        json.put("best_test", eval(state.bestTest()));
        List<Map<String, Object>> epochs = new ArrayList<>();
        for (EpochRecord r : state.epochs()) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("epoch", r.epoch());
            e.put("loss", r.loss());
            e.put("train_seconds", r.trainSeconds());
            e.put("eval_seconds", r.evalSeconds());
            e.put("valid", eval(r.valid()));
            e.put("best", r.best());
            epochs.add(e);
        }
        json.put("epochs", epochs);
        json.put("state_file", stateFile);
        json.put("state_sha256", sha256(dir.resolve(stateFile)));
        json.put("config", config.toMap());
        json.put("dataset_checksum", datasetChecksum);
        dir.writeJson(LAST, json);
        boolean bestJustNow = state.step() == 0 && !state.epochs().isEmpty()
                && state.epochs().get(state.epochs().size() - 1).best();
        if (bestJustNow) {
            dir.writeJson(BEST, json);
        }
        deleteUnreferenced(dir);
    }

    /** A checkpoint read back: where to continue and the model state file to load. */
    public record Restored(TrainState state, Path stateFile) {
    }

    /**
     * Reads {@code checkpoint.json} of {@code dir}, refusing (with the file and the reason) a
     * corrupt checkpoint, another dataset or an incompatible config.
     */
    @SuppressWarnings("unchecked")
    public static Restored read(RunDirectory dir, TrainConfig config, String datasetChecksum) {
        Path file = dir.resolve(LAST);
        Map<String, Object> json = dir.readJson(LAST);
        try {
            if (!Integer.valueOf(FORMAT).equals(json.get("format"))) {
                throw bad(file, "unsupported checkpoint format " + json.get("format") + ", expected " + FORMAT);
            }
            if (!datasetChecksum.equals(json.get("dataset_checksum"))) {
                throw bad(file, "the checkpoint was written for dataset checksum " + json.get("dataset_checksum")
                        + ", the data now has " + datasetChecksum + "; resume needs the same data");
            }
            TrainConfig saved = TrainConfig.fromMap((Map<String, Object>) json.get("config"), file + " config");
            if (!saved.equals(config)) {
                throw bad(file, "the checkpoint's config differs from the run's config.yaml: " + saved + " vs " + config);
            }
            Path stateFile = dir.resolve((String) json.get("state_file"));
            if (!Files.isRegularFile(stateFile)) {
                throw bad(file, "its state file " + stateFile.getFileName() + " is missing");
            }
            if (!sha256(stateFile).equals(json.get("state_sha256"))) {
                throw bad(file, "its state file " + stateFile.getFileName() + " is corrupt (SHA-256 differs)");
            }
            Map<String, Object> stop = (Map<String, Object>) json.get("early_stopping");
            double best = stop.get("best") == null ? Double.NEGATIVE_INFINITY : num(stop, "best").doubleValue();
            EarlyStopping stopping = EarlyStopping.restore(config.stoppingStep(), best,
                    num(stop, "best_epoch").intValue(), num(stop, "since_best").intValue());
            List<EpochRecord> epochs = new ArrayList<>();
            for (Object o : (List<Object>) json.get("epochs")) {
                Map<String, Object> e = (Map<String, Object>) o;
                epochs.add(new EpochRecord(num(e, "epoch").intValue(), num(e, "loss").doubleValue(),
                        num(e, "train_seconds").doubleValue(), num(e, "eval_seconds").doubleValue(),
                        eval((Map<String, Object>) e.get("valid")), Boolean.TRUE.equals(e.get("best"))));
            }
            TrainState state = new TrainState(num(json, "epoch").intValue(), num(json, "step").intValue(),
                    num(json, "loss_sum").doubleValue(), num(json, "train_nanos").longValue(), stopping,
                    eval((Map<String, Object>) json.get("best_valid")), eval((Map<String, Object>) json.get("best_test")),
                    List.copyOf(epochs));
            return new Restored(state, stateFile);
        } catch (ClassCastException | NullPointerException e) {
            throw bad(file, "malformed checkpoint (" + e.getMessage() + ")");
        }
    }

    public static boolean exists(RunDirectory dir) {
        return Files.isRegularFile(dir.resolve(LAST));
    }

    private static InvalidInputException bad(Path file, String why) {
        return new InvalidInputException(file + ": cannot resume: " + why);
    }

    private static Number num(Map<String, Object> m, String key) {
        Object v = m.get(key);
        if (v instanceof Number n) {
            return n;
        }
        throw new ClassCastException("'" + key + "' is not a number");
    }

    private static Map<String, Object> eval(EvalResult r) {
        if (r == null) {
            return null;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("users", r.nUsers());
        m.put("metrics", r.metrics());
        return m;
    }

    @SuppressWarnings("unchecked")
    private static EvalResult eval(Map<String, Object> m) {
        if (m == null) {
            return null;
        }
        Map<String, Double> metrics = new LinkedHashMap<>();
        ((Map<String, Object>) m.get("metrics")).forEach((k, v) -> metrics.put(k, ((Number) v).doubleValue()));
        return new EvalResult(metrics, num(m, "users").intValue());
    }

    static String sha256(Path file) {
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
            DigestInputStream din = (DigestInputStream) in;
            din.transferTo(java.io.OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(din.getMessageDigest().digest());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @SuppressWarnings("unchecked")
    private static void deleteUnreferenced(RunDirectory dir) {
        Set<String> keep = new java.util.HashSet<>();
        for (String json : List.of(LAST, BEST)) {
            if (Files.isRegularFile(dir.resolve(json))) {
                keep.add((String) dir.readJson(json).get("state_file"));
            }
        }
        try (var files = Files.list(dir.path())) {
            for (Path p : (Iterable<Path>) files::iterator) {
                String name = p.getFileName().toString();
                if (name.startsWith("checkpoint-e") && name.endsWith(".pt") && !keep.contains(name)) {
                    Files.deleteIfExists(p);
                }
            }
        } catch (IOException e) {
            // leftovers only cost disk; the checkpoint itself is already committed
        }
    }
}
