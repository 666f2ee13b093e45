package dev.bm3.eval;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Metrics of one evaluation, averaged over the users that had at least one held-out item.
 * Immutable; {@link #metrics()} keeps the evaluator's order (recall, ndcg, precision, map, each
 * at ascending K) and can be serialized to JSON as is. Equality is exact (same names, same
 * doubles, same user count), which is what the batch-size invariance tests rely on.
 *
 * @param metrics metric name ({@code recall@20}) to mean value, unmodifiable, insertion-ordered
 * @param nUsers  how many users were evaluated and averaged
 */
public record EvalResult(Map<String, Double> metrics, int nUsers) {

    public EvalResult {
        Objects.requireNonNull(metrics, "metrics");
        if (nUsers < 0) {
            throw new IllegalArgumentException("nUsers must be >= 0, got " + nUsers);
        }
        for (Map.Entry<String, Double> e : metrics.entrySet()) {
            Objects.requireNonNull(e.getKey(), "metric name");
            Objects.requireNonNull(e.getValue(), () -> "value of metric '" + e.getKey() + "'");
        }
        metrics = Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
    }

    /**
     * The value of one metric, e.g. {@code get("recall@20")}.
     *
     * @throws IllegalArgumentException naming the known metrics when {@code name} is not one
     */
    public double get(String name) {
        Double v = metrics.get(name);
        if (v == null) {
            throw new IllegalArgumentException("unknown metric '" + name + "'; known: " + metrics.keySet());
        }
        return v;
    }

    /** True when this result has a metric of that name. */
    public boolean has(String name) {
        return metrics.containsKey(name);
    }

    /** One log line: {@code users=19445 recall@5=0.0312 recall@10=0.0564 ...} (4 decimals). */
    public String format() {
        StringBuilder sb = new StringBuilder("users=").append(nUsers);
        for (Map.Entry<String, Double> e : metrics.entrySet()) {
            sb.append(' ').append(e.getKey()).append('=')
                    .append(String.format(Locale.ROOT, "%.4f", e.getValue()));
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return "EvalResult[" + format() + "]";
    }
}
