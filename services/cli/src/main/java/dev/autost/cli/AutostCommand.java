package dev.autost.cli;

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
