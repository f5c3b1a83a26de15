package dev.autost.cli.options;

import dev.autost.messaging.KafkaClients;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code --bootstrap-servers}: the Kafka cluster to join; without it a command starts an embedded broker. */
public final class ClusterOption {
    @Option(
            names = "--bootstrap-servers",
            paramLabel = "HOST:PORT[,...]",
            description = "Join this Kafka cluster instead of starting an embedded broker.")
    String bootstrapServers;

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    /** Read when parsed, so that every Kafka client of the process, built later, has it. */
    @Option(
            names = "--kafka-config",
            paramLabel = "FILE",
            description = "Kafka client properties for every client of this process (security.protocol, sasl.*,"
                    + " ssl.*, timeouts), as Kafka's tools take them. AUTOST_KAFKA_* variables override them"
                    + " (AUTOST_KAFKA_SASL_JAAS_CONFIG sets sasl.jaas.config).")
    void kafkaConfig(Path file) {
        try {
            KafkaClients.useConfigFile(file);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--kafka-config: " + e.getMessage(), e);
        }
    }

    /** The cluster, or {@code null} for an embedded broker. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** What the command talks to, for messages. */
    public String describe() {
        return bootstrapServers == null ? "embedded broker" : bootstrapServers;
    }
}
