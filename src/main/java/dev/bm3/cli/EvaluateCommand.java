package dev.bm3.cli;

import dev.bm3.InvalidInputException;
import dev.bm3.data.SplitName;
import dev.bm3.eval.EvalResult;
import dev.bm3.eval.Evaluator;
import dev.bm3.train.TrainedRun;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = "Evaluate a run's best model (full ranking, training items masked) on validation or test.")
final class EvaluateCommand implements Callable<Integer> {
    @Option(names = "--run", required = true, paramLabel = "RUN_DIR", description = "A run directory written by 'bm3 train'.")
    Path run;

    @Option(names = "--split", defaultValue = "test", description = "valid or test (default: ${DEFAULT-VALUE}).")
    String split;

    @Option(names = "--threads", description = "Threads (default: available cores).")
    Integer threads;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        SplitName which = switch (split.toLowerCase(Locale.ROOT)) {
            case "valid", "validation" -> SplitName.VALID;
            case "test" -> SplitName.TEST;
            default -> throw new InvalidInputException("--split " + split + ": expected valid or test");
        };
        try (TrainedRun r = TrainedRun.open(run, threads == null ? Runtime.getRuntime().availableProcessors() : threads)) {
            EvalResult result = new Evaluator(r.dataset(), r.config().topk())
                    .evaluate(r.model().scorer(), which, r.config().evalBatchSize());
            spec.commandLine().getOut().println(which.name().toLowerCase(Locale.ROOT) + " " + result.format());
        }
        return 0;
    }
}
