package dev.autost.cli.pipeline;

import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;

/**
 * The pipeline contract on Apache Kafka in a container, where a Docker engine answers; skipped
 * (reported as such by Failsafe) where none does, as on the development machines.
 */
@Testcontainers(disabledWithoutDocker = true)
class ContainerKafkaPipelineIT extends PipelineContract {
    @Container
    static final KafkaContainer KAFKA = new KafkaContainer("apache/kafka:4.0.0");

    @Override
    String bootstrapServers() {
        return KAFKA.getBootstrapServers();
    }
}
