package dev.autost.cli.pipeline;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The pipeline contract on Apache Kafka in a container (the image of
 * deploy/containers/build-images); skipped, with the reason, where no container engine answers.
 */
@NeedsImages("autost.kafka.image")
class ContainerKafkaPipelineIT extends PipelineContract {
    private static ContainerImages.Started kafka;

    @BeforeAll
    static void startKafka() {
        kafka = ContainerImages.kafka();
    }

    @AfterAll
    static void stopKafka() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Override
    String bootstrapServers() {
        return kafka.address();
    }
}
