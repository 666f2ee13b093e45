package dev.bm3.config;

import dev.bm3.InvalidInputException;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads MMRec-style YAML configs and {@code --set key=value} overrides into raw value maps. */
public final class ConfigLoader {
    private ConfigLoader() {
    }

    private static Yaml yaml() {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        options.setMaxAliasesForCollections(10);
        return new Yaml(new SafeConstructor(options));
    }

    /** A YAML file's top-level mapping. Errors name the file and line. */
    public static Map<String, Object> readYaml(Path file) {
        Object doc;
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            doc = yaml().load(r);
        } catch (MarkedYAMLException e) {
            int line = e.getProblemMark() == null ? 0 : e.getProblemMark().getLine() + 1;
            throw InvalidInputException.at(file, line, "not valid YAML: " + oneLine(e.getProblem()));
        } catch (YAMLException e) {
            throw InvalidInputException.in(file, "not valid YAML: " + oneLine(e.getMessage()));
        } catch (NoSuchFileException e) {
            throw InvalidInputException.in(file, "no such file (expected a YAML config)");
        } catch (IOException e) {
            throw InvalidInputException.in(file, "cannot read config: " + oneLine(e.getMessage()));
        }
        if (doc == null) {
            return new LinkedHashMap<>();
        }
        if (!(doc instanceof Map<?, ?> map)) {
            throw InvalidInputException.in(file, "expected a mapping of config keys at the top level, got "
                    + doc.getClass().getSimpleName());
        }
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            out.put(String.valueOf(e.getKey()), e.getValue());
        }
        return out;
    }

    /** The CLI prints one line per error: YAML messages may span several. */
    private static String oneLine(String message) {
        return message == null ? "" : message.strip().replaceAll("\\s*\\R\\s*", " ");
    }

    /**
     * Parses {@code key=value} overrides; the value is read as YAML, so {@code n_layers=[1,2]} is a
     * list and {@code dropout=0.3} a number.
     */
    public static Map<String, Object> parseSets(List<String> sets) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (String s : sets) {
            int eq = s.indexOf('=');
            if (eq <= 0) {
                throw new InvalidInputException("--set " + s + ": expected key=value");
            }
            String key = s.substring(0, eq).trim();
            String raw = s.substring(eq + 1).trim();
            if (raw.isEmpty()) {
                throw new InvalidInputException("--set " + s + ": no value for key '" + key + "'");
            }
            Object value;
            try {
                value = yaml().load(raw);
            } catch (MarkedYAMLException e) {
                // SnakeYAML's own message spans lines (it draws a caret under the input)
                int column = e.getProblemMark() == null ? 0 : e.getProblemMark().getColumn() + 1;
                throw new InvalidInputException("--set " + s + ": value is not valid YAML at column " + column + ": "
                        + oneLine(e.getProblem()));
            } catch (YAMLException e) {
                throw new InvalidInputException("--set " + s + ": value is not valid YAML: " + oneLine(e.getMessage()));
            }
            out.put(key, value);
        }
        return out;
    }
}
