package dev.bm3.cli;

import dev.bm3.InvalidInputException;
import dev.bm3.api.Recommendation;
import dev.bm3.api.Recommender;
import dev.bm3.api.RecommenderOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "recommend", mixinStandardHelpOptions = true,
        description = "Print a user's top-K items (item id TAB score), excluding the user's training items.")
final class RecommendCommand implements Callable<Integer> {
    @Option(names = "--run", required = true, paramLabel = "RUN_DIR", description = "A run directory written by 'bm3 train'.")
    Path run;

    @Option(names = "--user", required = true, paramLabel = "ID",
            description = "User: the external id when the run has id maps, else the 0-based index of the .inter file.")
    String user;

    @Option(names = "--k", defaultValue = "10", description = "How many items (default: ${DEFAULT-VALUE}).")
    int k;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (k < 1) {
            throw new InvalidInputException("--k " + k + ": expected a positive integer");
        }
        try (Recommender r = Recommender.open(run, RecommenderOptions.threads(1))) {
            List<Recommendation> top;
            if (r.hasExternalIds()) {
                top = r.recommend(user, k);
            } else {
                int index;
                try {
                    index = Integer.parseInt(user.trim());
                } catch (NumberFormatException e) {
                    throw new InvalidInputException("--user " + user + ": expected a user index (the run has no id maps)");
                }
                if (index < 0 || index >= r.userCount()) {
                    throw new InvalidInputException("--user " + user + ": expected a user index in [0, "
                            + (r.userCount() - 1) + "]");
                }
                top = r.recommend(index, k);
            }
            PrintWriter out = spec.commandLine().getOut();
            for (Recommendation rec : top) {
                out.println(rec.itemId() + "\t" + String.format(Locale.ROOT, "%.6f", rec.score()));
            }
        }
        return 0;
    }
}
