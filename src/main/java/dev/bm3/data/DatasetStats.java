package dev.bm3.data;

import java.util.List;
import java.util.Locale;

/**
 * Summary numbers of a {@link Dataset} (after the cold-start drop), and the text {@code bm3 info}
 * prints.
 *
 * @param trainPairs distinct (user, item) pairs in training, the nonzeros of the user-item matrix
 * @param density    {@code trainPairs / (nUsers * nItems)}
 */
public record DatasetStats(String name, int nUsers, int nItems, int trainRows, int validRows, int testRows,
                           long trainPairs, double density, int coldStartRowsDropped,
                           List<Modality> modalities, String checksum) {

    /** The shape of one modality's feature matrix. */
    public record Modality(String name, int rows, int cols) {
    }

    public DatasetStats {
        modalities = List.copyOf(modalities);
    }

    public static DatasetStats of(Dataset d) {
        long pairs = d.trainByUser().items().length;
        double density = d.nUsers() == 0 || d.nItems() == 0 ? 0 : pairs / ((double) d.nUsers() * d.nItems());
        List<Modality> shapes = d.modalities().values().stream()
                .map(m -> new Modality(m.name(), m.rows(), m.cols())).toList();
        return new DatasetStats(d.name(), d.nUsers(), d.nItems(), d.train().size(), d.valid().size(),
                d.test().size(), pairs, density, d.coldStartRowsDropped(), shapes, d.checksum());
    }

    /** Multi-line human-readable summary; numbers use thousands separators. */
    public String format() {
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "dataset %s: %,d users, %,d items%n", name, nUsers, nItems));
        s.append(String.format(Locale.ROOT, "interactions: %,d train / %,d valid / %,d test (%,d total)%n",
                trainRows, validRows, testRows, (long) trainRows + validRows + testRows));
        s.append(String.format(Locale.ROOT, "density: %.4f%% (%,d distinct train pairs)%n", 100 * density, trainPairs));
        s.append(String.format(Locale.ROOT, "cold-start rows dropped: %,d%n", coldStartRowsDropped));
        if (modalities.isEmpty()) {
            s.append(String.format("modalities: none%n"));
        }
        for (Modality m : modalities) {
            s.append(String.format(Locale.ROOT, "modality %s: %,d x %,d%n", m.name(), m.rows(), m.cols()));
        }
        s.append(String.format("checksum: sha256 %s%n", checksum));
        return s.toString();
    }
}
