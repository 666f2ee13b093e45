package dev.bm3.config;

import dev.bm3.InvalidInputException;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Raw configuration values where any key may hold a LIST of candidates; {@link #expand()} gives
 * the cartesian product as validated {@link TrainConfig}s (a single run when no key is a list).
 * {@code topk} is list-valued by nature and never a grid axis.
 */
public final class SearchSpace {
    /**
     * SPEC section 5: n_layers {1,2} x dropout {0.3,0.5} x reg_weight {0.1,0.01}, cl_weight 2.0,
     * in this key order (it numbers the grid's runs; Map.of's order would change per JVM).
     */
    public static final Map<String, Object> PAPER_GRID = paperGrid();

    private static Map<String, Object> paperGrid() {
        Map<String, Object> g = new java.util.LinkedHashMap<>();
        g.put("n_layers", List.of(1, 2));
        g.put("dropout", List.of(0.3, 0.5));
        g.put("reg_weight", List.of(0.1, 0.01));
        g.put("cl_weight", 2.0);
        return java.util.Collections.unmodifiableMap(g);
    }

    private final Map<String, Object> values;
    private final String source;

    private SearchSpace(Map<String, Object> values, String source) {
        this.values = values;
        this.source = source;
    }

    /** An empty space: one run with the defaults. */
    public static SearchSpace defaults() {
        return new SearchSpace(new LinkedHashMap<>(), "defaults");
    }

    /** A copy of this space with {@code overrides} laid over it (later sources win). */
    public SearchSpace with(Map<String, Object> overrides, String overrideSource) {
        for (String key : overrides.keySet()) {
            if (!TrainConfig.DEFAULTS.containsKey(key)) {
                throw new InvalidInputException(overrideSource + ": unknown config key '" + key
                        + "'; known keys: " + String.join(", ", TrainConfig.DEFAULTS.keySet()));
            }
        }
        Map<String, Object> merged = new LinkedHashMap<>(values);
        merged.putAll(overrides);
        return new SearchSpace(merged, source.equals("defaults") ? overrideSource : source + " + " + overrideSource);
    }

    /** Keys whose value is a list of candidates, in the order of {@link TrainConfig#DEFAULTS}. */
    public List<String> axes() {
        List<String> axes = new ArrayList<>();
        for (String key : TrainConfig.DEFAULTS.keySet()) {
            Object v = values.get(key);
            if (v instanceof List<?> list && isAxis(key, list)) {
                axes.add(key);
            }
        }
        return axes;
    }

    private static boolean isAxis(String key, List<?> list) {
        // topk=[10,20] is one value; only a list of lists would be a grid over topk
        return !key.equals("topk") || (!list.isEmpty() && list.get(0) instanceof List);
    }

    /** Every combination, the first axis varying slowest; each one validated. */
    public List<TrainConfig> expand() {
        List<String> axes = axes();
        for (String axis : axes) {
            if (((List<?>) values.get(axis)).isEmpty()) {
                throw new InvalidInputException(source + ": config key '" + axis + "' has an empty list of candidates");
            }
        }
        List<TrainConfig> out = new ArrayList<>();
        expand(axes, 0, new LinkedHashMap<>(values), out);
        return out;
    }

    private void expand(List<String> axes, int depth, Map<String, Object> current, List<TrainConfig> out) {
        if (depth == axes.size()) {
            out.add(TrainConfig.fromMap(current, source));
            return;
        }
        String axis = axes.get(depth);
        for (Object candidate : (List<?>) values.get(axis)) {
            current.put(axis, candidate);
            expand(axes, depth + 1, current, out);
        }
        current.put(axis, values.get(axis));
    }

    /** The values that differ between combinations, for naming a grid point in logs and JSON. */
    public static Map<String, Object> describe(TrainConfig config, List<String> axes) {
        Map<String, Object> all = config.toMap();
        Map<String, Object> out = new LinkedHashMap<>();
        for (String axis : axes) {
            out.put(axis, all.get(axis));
        }
        return out;
    }
}
