package dev.bm3.config;

import dev.bm3.InvalidInputException;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One fully resolved training configuration. Keys follow MMRec's names so reference YAML files
 * work unchanged; every value is validated here, and errors name the key, the value and what was
 * expected. Build one with {@link #fromMap(Map, String)} (unknown keys are errors, never ignored).
 *
 * @param model            model name ({@code bm3}, {@code pop}, {@code bpr}, {@code lightgcn}, {@code vbpr},
 *                         {@code lattice}, {@code freedom})
 * @param embeddingSize    d, the embedding width
 * @param nLayers          graph convolution layers L (0 = no propagation)
 * @param dropout          target dropout probability p, in [0, 1)
 * @param regWeight        weight of the Frobenius-norm regulariser
 * @param clWeight         weight of the alignment and masking terms
 * @param learningRate     Adam learning rate
 * @param trainBatchSize   positive interactions per step
 * @param evalBatchSize    users per evaluation batch
 * @param epochs           maximum epochs
 * @param stoppingStep     patience: stop after {@code stoppingStep + 1} epochs without improvement
 * @param topk             cut-offs K for the metrics
 * @param validMetric      metric that selects the best epoch and the grid winner, e.g. {@code recall@20}
 * @param seed             the one seed that drives every random stream
 * @param kernels          {@code native} or {@code torch}: graph convolution and cosine-loss path
 * @param trainMode        BM3 only: {@code exact} (the reference: every item's features projected and
 *                         every feature row updated each step) or {@code fast} (only the batch's
 *                         items projected, row-sparse Adam on the feature tables)
 * @param knnK             neighbours per item in the kNN item-item graphs (LATTICE, FREEDOM)
 * @param mmImageWeight    FREEDOM's weight of the "image" slot in its item-item graph
 * @param lambdaCoeff      LATTICE's weight of the original (feature) graph against the learned one
 * @param nMmLayers        propagation layers over the item-item graph (LATTICE, FREEDOM)
 * @param lrDecay          learning rate at epoch e is {@code learning_rate * lr_decay^((e-1)/lr_decay_step)}
 *                         (MMRec's learning_rate_scheduler; baselines only)
 * @param lrDecayStep      epochs per factor {@code lr_decay}
 */
public record TrainConfig(
        String model,
        int embeddingSize,
        int nLayers,
        double dropout,
        double regWeight,
        double clWeight,
        double learningRate,
        int trainBatchSize,
        int evalBatchSize,
        int epochs,
        int stoppingStep,
        int[] topk,
        String validMetric,
        long seed,
        String kernels,
        String trainMode,
        int knnK,
        double mmImageWeight,
        double lambdaCoeff,
        int nMmLayers,
        double lrDecay,
        int lrDecayStep) {

    /** Models this build knows. */
    public static final List<String> MODELS = List.of("bm3", "pop", "bpr", "lightgcn", "vbpr", "lattice", "freedom");

    /**
     * Each model's published defaults, laid over {@link #DEFAULTS} (which hold BM3's) before the
     * user's values. Sources: MMRec's configs/model/*.yaml (knn_k, lambda_coeff, mm_image_weight,
     * n_mm_layers, n_ui_layers / weight_size as n_layers, LATTICE's learning_rate_scheduler
     * [0.96, 50]) and, for the keys MMRec leaves to a grid (reg_weight, dropout, n_layers), the one
     * configuration each of REFERENCE-RESULTS.md's baseline table.
     */
    public static final Map<String, Map<String, Object>> MODEL_DEFAULTS = Map.of(
            "bpr", Map.of("reg_weight", 1.0),
            "lightgcn", Map.of("n_layers", 2, "reg_weight", 1e-4),
            "vbpr", Map.of("reg_weight", 1e-3),
            "lattice", Map.of("n_layers", 2, "reg_weight", 0.0, "learning_rate", 1e-3, "knn_k", 10,
                    "lambda_coeff", 0.9, "n_mm_layers", 1, "lr_decay", 0.96, "lr_decay_step", 50),
            "freedom", Map.of("n_layers", 2, "dropout", 0.8, "reg_weight", 0.0, "knn_k", 10,
                    "mm_image_weight", 0.1, "n_mm_layers", 1));

    /** Every accepted key with its default, in documentation order. */
    public static final Map<String, Object> DEFAULTS = defaults();

    private static Map<String, Object> defaults() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("model", "bm3");
        d.put("embedding_size", 64);
        // Tuned Baby values of the paper (SPEC section 5)
        d.put("n_layers", 1);
        d.put("dropout", 0.5);
        d.put("reg_weight", 0.1);
        d.put("cl_weight", 2.0);
        d.put("learning_rate", 0.001);
        d.put("train_batch_size", 2048);
        d.put("eval_batch_size", 1024);
        d.put("epochs", 1000);
        d.put("stopping_step", 20);
        d.put("topk", List.of(5, 10, 20, 50));
        d.put("valid_metric", "recall@20");
        d.put("seed", 999L);
        d.put("kernels", "native");
        d.put("train_mode", "exact");
        // Baselines only (per-model values in MODEL_DEFAULTS)
        d.put("knn_k", 10);
        d.put("mm_image_weight", 0.1);
        d.put("lambda_coeff", 0.9);
        d.put("n_mm_layers", 1);
        d.put("lr_decay", 1.0);
        d.put("lr_decay_step", 50);
        return java.util.Collections.unmodifiableMap(d);
    }

    public TrainConfig {
        require(MODELS.contains(model), "model", model, "one of " + MODELS);
        require(embeddingSize >= 1 && embeddingSize <= 4096, "embedding_size", embeddingSize, "an integer in [1, 4096]");
        require(nLayers >= 0 && nLayers <= 16, "n_layers", nLayers, "an integer in [0, 16]");
        require(dropout >= 0 && dropout < 1, "dropout", dropout, "a probability in [0, 1)");
        require(regWeight >= 0 && Double.isFinite(regWeight), "reg_weight", regWeight, "a finite number >= 0");
        require(clWeight >= 0 && Double.isFinite(clWeight), "cl_weight", clWeight, "a finite number >= 0");
        require(learningRate > 0 && learningRate < 10, "learning_rate", learningRate, "a number in (0, 10)");
        require(trainBatchSize >= 1, "train_batch_size", trainBatchSize, "an integer >= 1");
        require(evalBatchSize >= 1, "eval_batch_size", evalBatchSize, "an integer >= 1");
        require(epochs >= 1, "epochs", epochs, "an integer >= 1");
        require(stoppingStep >= 0, "stopping_step", stoppingStep, "an integer >= 0");
        require(topk.length > 0, "topk", Arrays.toString(topk), "a non-empty list of positive integers");
        for (int k : topk) {
            require(k >= 1, "topk", Arrays.toString(topk), "a non-empty list of positive integers");
        }
        topk = Arrays.stream(topk).distinct().sorted().toArray();
        validMetric = validMetric.toLowerCase(Locale.ROOT);
        require(validMetric.matches("(recall|ndcg|precision|map)@\\d+"), "valid_metric", validMetric,
                "<recall|ndcg|precision|map>@K");
        int k = Integer.parseInt(validMetric.substring(validMetric.indexOf('@') + 1));
        require(Arrays.stream(topk).anyMatch(x -> x == k), "valid_metric", validMetric,
                "a cut-off listed in topk " + Arrays.toString(topk));
        require(kernels.equals("native") || kernels.equals("torch"), "kernels", kernels, "native or torch");
        require(trainMode.equals("exact") || trainMode.equals("fast"), "train_mode", trainMode, "exact or fast");
        require(knnK >= 1, "knn_k", knnK, "an integer >= 1");
        require(mmImageWeight >= 0 && mmImageWeight <= 1, "mm_image_weight", mmImageWeight, "a number in [0, 1]");
        require(lambdaCoeff >= 0 && lambdaCoeff <= 1, "lambda_coeff", lambdaCoeff, "a number in [0, 1]");
        require(nMmLayers >= 0 && nMmLayers <= 16, "n_mm_layers", nMmLayers, "an integer in [0, 16]");
        require(lrDecay > 0 && lrDecay <= 1, "lr_decay", lrDecay, "a number in (0, 1]");
        require(lrDecayStep >= 1, "lr_decay_step", lrDecayStep, "an integer >= 1");
        require(lrDecay == 1.0 || !(model.equals("bm3") || model.equals("pop")), "lr_decay", lrDecay,
                "1.0 for model " + model + " (the schedule applies to the baselines; BM3 keeps a constant LR)");
    }

    private static void require(boolean ok, String key, Object value, String expected) {
        if (!ok) {
            throw new InvalidInputException("config key '" + key + "': got " + value + ", expected " + expected);
        }
    }

    /** The default configuration (one BM3 run with the tuned Baby values). */
    public static TrainConfig defaultConfig() {
        return fromMap(Map.of(), "defaults");
    }

    /**
     * Builds a config from scalar values over the defaults. {@code source} names where the values
     * came from (a file, {@code --set}) for error messages.
     */
    public static TrainConfig fromMap(Map<String, ?> values, String source) {
        Map<String, Object> m = new LinkedHashMap<>(DEFAULTS);
        Object chosen = values.get("model");
        if (chosen instanceof String name && MODEL_DEFAULTS.containsKey(name.trim())) {
            m.putAll(MODEL_DEFAULTS.get(name.trim()));
        }
        for (Map.Entry<String, ?> e : values.entrySet()) {
            if (!DEFAULTS.containsKey(e.getKey())) {
                throw new InvalidInputException(source + ": unknown config key '" + e.getKey()
                        + "'; known keys: " + String.join(", ", DEFAULTS.keySet()));
            }
            m.put(e.getKey(), e.getValue());
        }
        try {
            return new TrainConfig(
                    str(m, "model"), integer(m, "embedding_size"), integer(m, "n_layers"),
                    number(m, "dropout"), number(m, "reg_weight"), number(m, "cl_weight"),
                    number(m, "learning_rate"), integer(m, "train_batch_size"), integer(m, "eval_batch_size"),
                    integer(m, "epochs"), integer(m, "stopping_step"), intList(m, "topk"),
                    str(m, "valid_metric"), longValue(m, "seed"), str(m, "kernels"),
                    str(m, "train_mode"), integer(m, "knn_k"), number(m, "mm_image_weight"), number(m, "lambda_coeff"),
                    integer(m, "n_mm_layers"), number(m, "lr_decay"), integer(m, "lr_decay_step"));
        } catch (InvalidInputException ex) {
            throw new InvalidInputException(source + ": " + ex.getMessage(), ex);
        }
    }

    /** The config as MMRec-named keys (what {@code config.yaml} of a run holds). */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model", model);
        m.put("embedding_size", embeddingSize);
        m.put("n_layers", nLayers);
        m.put("dropout", dropout);
        m.put("reg_weight", regWeight);
        m.put("cl_weight", clWeight);
        m.put("learning_rate", learningRate);
        m.put("train_batch_size", trainBatchSize);
        m.put("eval_batch_size", evalBatchSize);
        m.put("epochs", epochs);
        m.put("stopping_step", stoppingStep);
        List<Integer> ks = new ArrayList<>();
        for (int k : topk) {
            ks.add(k);
        }
        m.put("topk", ks);
        m.put("valid_metric", validMetric);
        m.put("seed", seed);
        m.put("kernels", kernels);
        m.put("train_mode", trainMode);
        m.put("knn_k", knnK);
        m.put("mm_image_weight", mmImageWeight);
        m.put("lambda_coeff", lambdaCoeff);
        m.put("n_mm_layers", nMmLayers);
        m.put("lr_decay", lrDecay);
        m.put("lr_decay_step", lrDecayStep);
        return m;
    }

    public TrainConfig withSeed(long newSeed) {
        Map<String, Object> m = toMap();
        m.put("seed", newSeed);
        return fromMap(m, "seed");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TrainConfig c && c.toMap().equals(toMap());
    }

    @Override
    public int hashCode() {
        return toMap().hashCode();
    }

    @Override
    public String toString() {
        return "TrainConfig" + toMap();
    }

    private static String str(Map<String, Object> m, String key) {
        Object v = m.get(key);
        if (v instanceof String s && !s.isBlank()) {
            return s.trim();
        }
        throw wrongType(key, v, "a string");
    }

    private static double number(Map<String, Object> m, String key) {
        Object v = m.get(key);
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        throw wrongType(key, v, "a number");
    }

    private static long longValue(Map<String, Object> m, String key) {
        Object v = m.get(key);
        if (v instanceof Integer || v instanceof Long || v instanceof Short) {
            return ((Number) v).longValue();
        }
        if (v instanceof java.math.BigInteger b && b.bitLength() < 64) {
            return b.longValue();
        }
        throw wrongType(key, v, "an integer");
    }

    private static int integer(Map<String, Object> m, String key) {
        long v = longValue(m, key);
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw wrongType(key, v, "an integer within 32 bits");
        }
        return (int) v;
    }

    private static int[] intList(Map<String, Object> m, String key) {
        Object v = m.get(key);
        if (v instanceof Number) {
            return new int[] {integer(m, key)};
        }
        if (v instanceof List<?> list) {
            int[] out = new int[list.size()];
            for (int i = 0; i < out.length; i++) {
                Object x = list.get(i);
                if (!(x instanceof Integer || x instanceof Long)) {
                    throw wrongType(key, v, "a list of integers");
                }
                out[i] = ((Number) x).intValue();
            }
            return out;
        }
        if (v instanceof int[] a) {
            return a.clone();
        }
        throw wrongType(key, v, "a list of integers");
    }

    private static InvalidInputException wrongType(String key, Object v, String expected) {
        String shown = v == null ? "nothing" : v + " (" + v.getClass().getSimpleName() + ")";
        return new InvalidInputException("config key '" + key + "': got " + shown + ", expected " + expected);
    }
}
