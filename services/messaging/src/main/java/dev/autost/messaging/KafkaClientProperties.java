package dev.autost.messaging;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Kafka client properties an operator adds to every client of a process: security
 * ({@code security.protocol}, {@code sasl.*}, {@code ssl.*}) and any other client setting. From
 * a properties file ({@code --kafka-config FILE}, the format Kafka's own tools take) and from
 * the environment, where {@code AUTOST_KAFKA_SASL_JAAS_CONFIG} stands for
 * {@code sasl.jaas.config} (prefix dropped, lower case, {@code _} for {@code .}); the
 * environment wins, so a Secret can override a file baked into an image.
 */
public final class KafkaClientProperties {
    /** Prefix of the environment variables read. */
    public static final String ENV_PREFIX = "AUTOST_KAFKA_";

    private KafkaClientProperties() {}

    /**
     * @throws IllegalArgumentException naming the file when it cannot be read
     */
    public static Map<String, String> load(Path file) {
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            p.load(in);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read Kafka client properties from " + file + ": " + e, e);
        }
        Map<String, String> out = new TreeMap<>();
        p.stringPropertyNames().forEach(k -> out.put(k.trim(), p.getProperty(k).trim()));
        return out;
    }

    /** The client properties named by {@code AUTOST_KAFKA_*} variables of {@code env}. */
    public static Map<String, String> fromEnvironment(Map<String, String> env) {
        Map<String, String> out = new TreeMap<>();
        env.forEach((k, v) -> {
            if (k.startsWith(ENV_PREFIX) && k.length() > ENV_PREFIX.length()) {
                out.put(
                        k.substring(ENV_PREFIX.length())
                                .toLowerCase(Locale.ROOT)
                                .replace('_', '.'),
                        v);
            }
        });
        return out;
    }
}
