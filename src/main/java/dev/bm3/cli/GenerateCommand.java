package dev.bm3.cli;

import dev.bm3.InvalidInputException;
import dev.bm3.data.Dataset;
import dev.bm3.data.DatasetStats;
import dev.bm3.data.SyntheticGenerator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "generate", mixinStandardHelpOptions = true,
        description = "Write a deterministic synthetic multi-modal dataset in the MMRec layout (DIR/NAME.inter, image_feat.npy, text_feat.npy).")
final class GenerateCommand implements Callable<Integer> {
    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output directory.")
    Path out;

    @Option(names = "--name", defaultValue = "synthetic", description = "Dataset name (default: ${DEFAULT-VALUE}).")
    String name;

    @Option(names = "--users", description = "Number of users (default: 3000).")
    Integer users;

    @Option(names = "--items", description = "Number of items (default: 2000).")
    Integer items;

    @Option(names = "--interactions", description = "Approximate number of interactions (default: ~100000).")
    Integer interactions;

    @Option(names = "--seed", description = "Seed (default: 999).")
    Long seed;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        SyntheticGenerator.Config d = SyntheticGenerator.Config.defaults();
        int u = users == null ? d.nUsers() : users;
        int i = items == null ? d.nItems() : items;
        int mean = d.meanInteractions();
        if (interactions != null) {
            if (interactions < 1) {
                throw new InvalidInputException("--interactions " + interactions + ": expected a positive integer");
            }
            mean = Math.max(d.minInteractions(), Math.round((float) interactions / u));
        }
        SyntheticGenerator.Config c = new SyntheticGenerator.Config(u, i, mean, d.minInteractions(), d.latentDim(),
                d.imageDim(), d.textDim(), d.featureNoise(), seed == null ? d.seed() : seed);
        Dataset data = new SyntheticGenerator(c).generate();
        SyntheticGenerator.write(data, out, name);
        spec.commandLine().getOut().println("wrote " + out.resolve(name + ".inter") + " and features\n"
                + DatasetStats.of(data).format());
        return 0;
    }
}
