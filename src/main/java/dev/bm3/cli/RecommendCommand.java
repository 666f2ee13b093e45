package dev.bm3.cli;

import dev.bm3.InvalidInputException;
import dev.bm3.data.Dataset;
import dev.bm3.train.TrainedRun;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "recommend", mixinStandardHelpOptions = true,
        description = "Print a user's top-K items (item id TAB score), excluding the user's training items.")
final class RecommendCommand implements Callable<Integer> {
    @Option(names = "--run", required = true, paramLabel = "RUN_DIR", description = "A run directory written by 'bm3 train'.")
    Path run;

    @Option(names = "--user", required = true, paramLabel = "ID", description = "User id (0-based, as in the .inter file).")
    int user;

    @Option(names = "--k", defaultValue = "10", description = "How many items (default: ${DEFAULT-VALUE}).")
    int k;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (k < 1) {
            throw new InvalidInputException("--k " + k + ": expected a positive integer");
        }
        try (TrainedRun r = TrainedRun.open(run, 1)) {
            Dataset d = r.dataset();
            if (user < 0 || user >= d.nUsers()) {
                throw new InvalidInputException("--user " + user + ": expected a user id in [0, " + (d.nUsers() - 1) + "]");
            }
            float[] scores = new float[d.nItems()];
            r.model().scorer().score(new int[] {user}, scores);
            boolean[] excluded = new boolean[d.nItems()];
            for (int item : d.trainByUser().of(user)) {
                excluded[item] = true;
            }
            PrintWriter out = spec.commandLine().getOut();
            for (int item : TopK.select(scores, excluded, k)) {
                out.println(item + "\t" + String.format(Locale.ROOT, "%.6f", scores[item]));
            }
        }
        return 0;
    }
}
