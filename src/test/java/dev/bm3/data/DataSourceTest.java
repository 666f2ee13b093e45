package dev.bm3.data;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class DataSourceTest {
    /**
     * The modality order is the model's parameter and dropout-stream order, so it must be the
     * order given, in every JVM. (It once went through Map.copyOf, whose iteration order is
     * salted per JVM: the same command trained from two different initialisations.)
     */
    @Test
    void keepsTheModalitiesInTheOrderGiven() {
        Map<String, Path> given = new LinkedHashMap<>();
        List<String> names = List.of("text", "audio", "image", "video", "m5", "m6", "m7", "m8");
        for (String n : names) {
            given.put(n, Path.of(n + ".npy"));
        }
        DataSource s = DataSource.directory(Path.of("."), "x", given);
        assertEquals(names, List.copyOf(s.modalities().keySet()));
        DataSource back = DataSource.fromMap(s.toMap(), "manifest.json");
        assertEquals(names, List.copyOf(back.modalities().keySet()), "as written to and read from the manifest");
    }
}
