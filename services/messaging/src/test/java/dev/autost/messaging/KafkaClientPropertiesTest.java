package dev.autost.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KafkaClientPropertiesTest {

    @Test
    void fromEnvironment_prefixedVariables_becomeDottedLowerCaseKeys() {
        Map<String, String> props = KafkaClientProperties.fromEnvironment(Map.of(
                "AUTOST_KAFKA_SECURITY_PROTOCOL", "SASL_SSL",
                "AUTOST_KAFKA_SASL_JAAS_CONFIG", "x required;",
                "AUTOST_TRAINER_CONCURRENCY", "2",
                "AUTOST_KAFKA_", "ignored"));

        assertEquals(Map.of("security.protocol", "SASL_SSL", "sasl.jaas.config", "x required;"), props);
    }

    @Test
    void load_propertiesFile_trimmedKeysAndValues(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(
                dir.resolve("client.properties"),
                "# comment\nsecurity.protocol = SSL \nssl.truststore.location=/etc/kafka/ca.p12\n");

        assertEquals(
                Map.of("security.protocol", "SSL", "ssl.truststore.location", "/etc/kafka/ca.p12"),
                KafkaClientProperties.load(file));
    }

    @Test
    void load_missingFile_namesIt(@TempDir Path dir) {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> KafkaClientProperties.load(dir.resolve("nope.properties")));
        assertTrue(e.getMessage().contains("nope.properties"), e.getMessage());
    }

    /** An operator's file adds security settings but cannot weaken the delivery guarantees. */
    @Test
    void producerAndConsumerConfig_operatorFile_addsSettingsButGuaranteesStay(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(
                dir.resolve("client.properties"),
                "security.protocol=SASL_SSL\nacks=0\nenable.auto.commit=true\nsession.timeout.ms=30000\n");
        KafkaClients.useConfigFile(file);
        try {
            Map<String, Object> producer = KafkaClients.producerConfig("h:9092", "p");
            Map<String, Object> consumer = KafkaClients.consumerConfig("h:9092", "c");

            assertEquals("SASL_SSL", producer.get("security.protocol"));
            assertEquals("all", producer.get("acks"));
            assertEquals("SASL_SSL", consumer.get("security.protocol"));
            assertEquals(false, consumer.get("enable.auto.commit"));
        } finally {
            KafkaClients.useConfigFile(Files.writeString(dir.resolve("empty.properties"), ""));
        }
    }
}
