package dev.autost.cli.options;

import java.nio.file.Path;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Where a pipeline command runs: an embedded broker with local services, or an existing cluster. */
public final class PipelineOptions {
    @Mixin
    ClusterOption cluster;

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

    @Option(
            names = "--secure",
            description = "Embedded broker: a SASL_SSL listener with SCRAM-SHA-512 and a self-made CA; its client"
                    + " properties are written to DATA_DIR/client.properties (owner-only).")
    boolean secure;

    /** Refuses contradictory options before anything starts. */
    public void check() {
        if (noLocalServices && cluster.bootstrapServers() == null) {
            throw new IllegalArgumentException("--no-local-services needs --bootstrap-servers");
        }
        if (secure && cluster.bootstrapServers() != null) {
            throw new IllegalArgumentException(
                    "--secure is for the embedded broker; with --bootstrap-servers pass --kafka-config instead");
        }
    }

    /** Whether the embedded broker gets a SASL_SSL listener. */
    public boolean secure() {
        return secure;
    }

    /** The cluster, or {@code null} for an embedded broker. */
    public String bootstrapServers() {
        return cluster.bootstrapServers();
    }

    /** The embedded broker's data folder, or {@code null} for a temporary one. */
    public Path kafkaData() {
        return kafkaData;
    }

    /** Whether this process runs the services (and trainers) itself. */
    public boolean localServices() {
        return !noLocalServices;
    }

    /** What the command talks to, for messages. */
    public String describe() {
        return cluster.describe();
    }
}
