package dev.bm3.cli;

import dev.bm3.InvalidInputException;
import dev.bm3.data.DataSource;
import dev.bm3.data.DatasetLoader;
import dev.bm3.data.SyntheticGenerator;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** {@code --data/--dataset/--modality}, shared by train and info; no --data means synthetic data. */
final class DataOptions {
    @Option(names = "--data", paramLabel = "DIR",
            description = "MMRec dataset directory (NAME.inter + image_feat.npy/text_feat.npy). Without it: built-in synthetic data.")
    Path dir;

    @Option(names = "--dataset", paramLabel = "NAME", description = "Dataset name: reads DIR/NAME.inter (default: the only .inter in DIR).")
    String name;

    @Option(names = "--modality", paramLabel = "NAME=FILE",
            description = "A named modality's .npy feature file (relative to DIR); repeatable. When given, only these modalities are used.")
    List<String> modalities = new ArrayList<>();

    DataSource source() {
        if (dir == null) {
            if (name != null || !modalities.isEmpty()) {
                throw new InvalidInputException("--dataset and --modality need --data DIR");
            }
            return DataSource.synthetic(SyntheticGenerator.Config.defaults());
        }
        return DataSource.directory(dir, name, DatasetLoader.parseModalities(modalities));
    }
}
