package dev.autost.cli;

import dev.autost.cli.bench.BenchCommand;
import dev.autost.cli.model.ExplainCommand;
import dev.autost.cli.model.ScoreCommand;
import dev.autost.cli.model.TrainCommand;
import dev.autost.cli.search.SearchCommand;
import dev.autost.cli.service.PruneCommand;
import dev.autost.cli.service.ReportCommand;
import dev.autost.cli.service.ServeCommand;
import dev.autost.cli.service.ServiceCommand;
import dev.autost.cli.study.StudyCommand;
import picocli.CommandLine.Command;

/** {@code autost}: training-free architecture search for spiking transformers. */
@Command(
        name = "autost",
        mixinStandardHelpOptions = true,
        version = "autost 0.1.0",
        description = "Training-free neural architecture search for spiking transformers (AutoST).",
        subcommands = {
            ScoreCommand.class,
            ExplainCommand.class,
            SearchCommand.class,
            ServeCommand.class,
            ServiceCommand.class,
            TrainCommand.class,
            StudyCommand.class,
            ReportCommand.class,
            PruneCommand.class,
            BenchCommand.class
        },
        footer = {"", "Exit status: 0 success, 1 bad input or failed run, 2 bad usage."})
public final class AutostCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
