package dev.bm3.data;

import dev.bm3.InvalidInputException;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where a dataset comes from: an MMRec directory (with optional dataset name and explicit
 * modalities) or the built-in synthetic generator. A run's manifest records it so that
 * {@code evaluate} and {@code recommend} can load the same data again (and verify its checksum).
 */
public record DataSource(Path dir, String name, Map<String, Path> modalities, SyntheticGenerator.Config synthetic) {

    /**
     * @param modalities in the order given: it is the model's parameter and dropout-stream order,
     *                   so it must be the same in every process (Map.copyOf's order is salted per JVM)
     */
    public static DataSource directory(Path dir, String name, Map<String, Path> modalities) {
        return new DataSource(dir.toAbsolutePath().normalize(), name,
                java.util.Collections.unmodifiableMap(new LinkedHashMap<>(modalities)), null);
    }

    public static DataSource synthetic(SyntheticGenerator.Config config) {
        return new DataSource(null, "synthetic", Map.of(), config);
    }

    public boolean isSynthetic() {
        return synthetic != null;
    }

    public Dataset load() {
        if (isSynthetic()) {
            return new SyntheticGenerator(synthetic).generate();
        }
        return DatasetLoader.load(dir, name, modalities);
    }

    /** A JSON-ready description (for manifest.json). */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        if (isSynthetic()) {
            m.put("kind", "synthetic");
            SyntheticGenerator.Config c = synthetic;
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("users", c.nUsers());
            s.put("items", c.nItems());
            s.put("mean_interactions", c.meanInteractions());
            s.put("min_interactions", c.minInteractions());
            s.put("latent_dim", c.latentDim());
            s.put("image_dim", c.imageDim());
            s.put("text_dim", c.textDim());
            s.put("feature_noise", c.featureNoise());
            s.put("seed", c.seed());
            m.put("synthetic", s);
        } else {
            m.put("kind", "directory");
            m.put("dir", dir.toString());
            m.put("name", name);
            Map<String, String> mods = new LinkedHashMap<>();
            modalities.forEach((k, v) -> mods.put(k, v.toString()));
            m.put("modalities", mods);
        }
        return m;
    }

    /** Reads what {@link #toMap()} wrote. */
    @SuppressWarnings("unchecked")
    public static DataSource fromMap(Map<String, Object> m, String source) {
        try {
            if ("synthetic".equals(m.get("kind"))) {
                Map<String, Object> s = (Map<String, Object>) m.get("synthetic");
                return synthetic(new SyntheticGenerator.Config(
                        num(s, "users").intValue(), num(s, "items").intValue(), num(s, "mean_interactions").intValue(),
                        num(s, "min_interactions").intValue(), num(s, "latent_dim").intValue(),
                        num(s, "image_dim").intValue(), num(s, "text_dim").intValue(),
                        num(s, "feature_noise").doubleValue(), num(s, "seed").longValue()));
            }
            Map<String, Path> mods = new LinkedHashMap<>();
            Map<String, Object> raw = (Map<String, Object>) m.getOrDefault("modalities", Map.of());
            raw.forEach((k, v) -> mods.put(k, Path.of(String.valueOf(v))));
            return directory(Path.of((String) m.get("dir")), (String) m.get("name"), mods);
        } catch (ClassCastException | NullPointerException e) {
            throw new InvalidInputException(source + ": malformed data source " + m);
        }
    }

    private static Number num(Map<String, Object> m, String key) {
        Object v = m.get(key);
        if (v instanceof Number n) {
            return n;
        }
        throw new InvalidInputException("data source: key '" + key + "' missing or not a number");
    }
}
