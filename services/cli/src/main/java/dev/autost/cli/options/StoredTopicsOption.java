package dev.autost.cli.options;

import java.nio.file.Path;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code --bootstrap-servers} (with {@code --kafka-config}) or {@code --kafka-data}: where a
 * command that reads stored experiments ({@code report}, {@code prune}) finds their topics.
 */
public final class StoredTopicsOption {
    @Mixin
    ClusterOption cluster;

    @Option(
            names = "--kafka-data",
            paramLabel = "DIR",
            description = "Data folder of an embedded broker (from search/serve --kafka-data), while no serve uses it.")
    Path kafkaData;

    /**
     * The cluster, or the embedded broker started on the folder.
     *
     * @throws IllegalArgumentException unless exactly one of the options names something usable
     */
    public dev.autost.cli.pipeline.LocalServices connect() {
        String bootstrapServers = cluster.bootstrapServers();
        if ((bootstrapServers == null) == (kafkaData == null)) {
            throw new IllegalArgumentException("give exactly one of --bootstrap-servers and --kafka-data");
        }
        if (kafkaData != null && !java.nio.file.Files.isDirectory(kafkaData)) {
            throw new IllegalArgumentException("--kafka-data " + kafkaData + " is not a directory");
        }
        return dev.autost.cli.pipeline.LocalServices.connect(bootstrapServers, kafkaData, 1, (short) 1);
    }
}
