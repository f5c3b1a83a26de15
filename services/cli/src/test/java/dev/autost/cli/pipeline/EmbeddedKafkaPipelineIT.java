package dev.autost.cli.pipeline;

import dev.autost.broker.EmbeddedKafkaBroker;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The pipeline contract on the embedded KRaft broker, the default everywhere. With
 * {@code -Dautost.it.bootstrap=host:port} the same tests run against an existing broker.
 */
class EmbeddedKafkaPipelineIT extends PipelineContract {
    private static EmbeddedKafkaBroker broker;
    private static String bootstrap;

    @BeforeAll
    static void startBroker() {
        bootstrap = System.getProperty("autost.it.bootstrap");
        if (bootstrap == null || bootstrap.isBlank()) {
            broker = EmbeddedKafkaBroker.builder().build().start();
            bootstrap = broker.bootstrapServers();
        }
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    @Override
    String bootstrapServers() {
        return bootstrap;
    }
}
