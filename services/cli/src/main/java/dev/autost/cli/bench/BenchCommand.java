package dev.autost.cli.bench;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code autost bench}: throughput figures, printed, never asserted by tests. */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description = "Measures throughput and prints the figures recorded in docs/benchmarks.md.",
        subcommands = {
            BenchScoreCommand.class,
            BenchPipelineCommand.class,
            BenchInterleaveCommand.class,
            BenchTrainCommand.class,
            BenchProbeCommand.class,
            BenchTableCommand.class
        })
public final class BenchCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
