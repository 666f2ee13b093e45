package dev.bm3.cli;

import dev.bm3.data.DatasetStats;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.util.concurrent.Callable;

@Command(name = "info", mixinStandardHelpOptions = true,
        description = "Print dataset statistics: users, items, rows per split, density, feature shapes.")
final class InfoCommand implements Callable<Integer> {
    @Mixin
    DataOptions data;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().getOut().println(DatasetStats.of(data.source().load()).format());
        return 0;
    }
}
