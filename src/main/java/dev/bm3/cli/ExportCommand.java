package dev.bm3.cli;

import dev.bm3.api.Bm3;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "export", mixinStandardHelpOptions = true,
        description = {"Write a run's final user and item embeddings (after the predictor: their dot products are the scores) "
                + "as float32 .npy files, with id maps (user_ids.tsv, item_ids.tsv) and export.json."})
final class ExportCommand implements Callable<Integer> {
    @Option(names = "--run", required = true, paramLabel = "RUN_DIR", description = "A run directory written by 'bm3 train'.")
    Path run;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Directory to write (must be new or empty).")
    Path out;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Bm3.export(run, out);
        spec.commandLine().getOut().println("wrote user_embeddings.npy, item_embeddings.npy, user_ids.tsv, item_ids.tsv, "
                + "export.json to " + out);
        return 0;
    }
}
