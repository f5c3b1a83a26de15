package dev.autost.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Where a pipeline command runs: an embedded broker with local services, or an existing cluster. */
final class PipelineOptions {
    @Option(
            names = "--bootstrap-servers",
            paramLabel = "HOST:PORT[,...]",
            description = "Join this Kafka cluster instead of starting an embedded broker.")
    String bootstrapServers;

    @Option(
            names = "--no-local-services",
            description =
                    "With --bootstrap-servers: only submit and follow; the services (and trainers) run elsewhere.")
    boolean noLocalServices;

    @Option(
            names = "--kafka-data",
            paramLabel = "DIR",
            description = "Keep the embedded broker's data here (for autost report); default: a temporary folder.")
    Path kafkaData;

    /** Refuses contradictory options before anything starts. */
    void check() {
        if (noLocalServices && bootstrapServers == null) {
            throw new IllegalArgumentException("--no-local-services needs --bootstrap-servers");
        }
    }

    /** What the command talks to, for messages. */
    String describe() {
        return bootstrapServers == null ? "embedded broker" : bootstrapServers;
    }
}
