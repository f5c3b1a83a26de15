package dev.autost.cli.bench;

import dev.autost.cli.options.Defaults;
import picocli.CommandLine.Option;

/**
 * {@code --partitions} of the benchmarks' topics. Not the commands' TopicOptions: a benchmark's
 * topics have one replica, on one broker.
 */
final class BenchPartitionsOption {
    @Option(
            names = "--partitions",
            description = "Partitions of the topics (default: ${DEFAULT-VALUE}).",
            defaultValue = "" + Defaults.PARTITIONS)
    int partitions;
}
