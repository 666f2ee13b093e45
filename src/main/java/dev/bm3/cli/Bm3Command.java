package dev.bm3.cli;

import dev.bm3.InvalidInputException;
import dev.bm3.train.TrainingFailedException;
import dev.bm3.train.TrainingStoppedException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;

/** Entry point of {@code java -jar bm3.jar}. */
@Command(name = "bm3", mixinStandardHelpOptions = true, version = "bm3-engine 0.1.0",
        description = "BM3 multi-modal recommendation on LibTorch.",
        subcommands = {TrainCommand.class, EvaluateCommand.class, RecommendCommand.class, ExportCommand.class, InfoCommand.class,
                GenerateCommand.class, CommandLine.HelpCommand.class})
public final class Bm3Command implements Runnable {
    /** Exit code for bad input or usage. */
    public static final int BAD_INPUT = 2;
    /** Exit code for an internal failure. */
    public static final int FAILURE = 1;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command (train, evaluate, recommend, info, generate)");
    }

    private static String runDirOf(CommandLine.ParseResult sub) {
        for (String opt : new String[] {"--out", "--resume"}) {
            if (sub.hasMatchedOption(opt)) {
                return String.valueOf(sub.matchedOptionValue(opt, (Object) null));
            }
        }
        return "RUN_DIR";
    }

    public static void main(String[] args) {
        System.exit(execute(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs the command line with the given streams; returns the exit code (used by tests). */
    public static int execute(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cl = new CommandLine(new Bm3Command());
        cl.setOut(out);
        cl.setErr(err);
        cl.setParameterExceptionHandler((ex, a) -> {
            err.println("bm3: " + ex.getMessage());
            err.println("Try 'bm3 " + (ex.getCommandLine().getCommandName().equals("bm3") ? "" : ex.getCommandLine().getCommandName() + " ")
                    + "--help'.");
            return BAD_INPUT;
        });
        cl.setExecutionExceptionHandler((ex, c, parsed) -> {
            if (ex instanceof InvalidInputException) {
                err.println("bm3: " + ex.getMessage());
                return BAD_INPUT;
            }
            if (ex instanceof TrainingFailedException) {
                err.println("bm3: training failed: " + ex.getMessage());
                return FAILURE;
            }
            if (ex instanceof TrainingStoppedException stopped) {
                String dir = parsed.subcommand() == null ? "RUN_DIR" : runDirOf(parsed.subcommand());
                err.println("bm3: " + ex.getMessage() + ". Resume with: bm3 train --resume " + dir);
                return StopSignals.exitCode(stopped.signal());
            }
            if (ex instanceof java.io.UncheckedIOException io) {
                err.println("bm3: " + io.getMessage() + " (the previous checkpoint, if any, is intact)");
                return FAILURE;
            }
            err.println("bm3: internal error: " + ex);
            ex.printStackTrace(err);
            return FAILURE;
        });
        return cl.execute(args);
    }
}
