package dev.autost.cli.pipeline;

import dev.autost.broker.EmbeddedKafkaBroker;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * The embedded broker as the CLI uses it. The only class of the CLI that names the broker
 * module: the service images leave that module out (they always join a cluster), and a missing
 * broker must then be a clear error, not a {@code NoClassDefFoundError} from a class that
 * merely mentions it.
 */
final class EmbeddedBroker implements AutoCloseable {
    // Held as a closer, not as the broker type, so this class's fields never name the module.
    private final Runnable close;
    private final String bootstrapServers;
    private final Path clientProperties;
    private final Map<String, String> clientConfig;

    private EmbeddedBroker(
            Runnable close, String bootstrapServers, Path clientProperties, Map<String, String> clientConfig) {
        this.close = close;
        this.bootstrapServers = bootstrapServers;
        this.clientProperties = clientProperties;
        this.clientConfig = Map.copyOf(clientConfig);
    }

    /**
     * Starts a broker keeping its data in {@code dataDir}, or in a temporary folder when null;
     * {@code secure} gives it a SASL_SSL listener (a data dir that was secure stays secure).
     */
    static EmbeddedBroker start(Path dataDir, boolean secure) {
        try {
            EmbeddedKafkaBroker.Builder b = EmbeddedKafkaBroker.builder();
            if (dataDir != null) {
                b.optDataDir(dataDir);
            }
            if (secure) {
                b.optSecure();
            }
            EmbeddedKafkaBroker broker = b.build().start();
            return new EmbeddedBroker(
                    broker::close,
                    broker.bootstrapServers(),
                    broker.clientProperties().orElse(null),
                    broker.clientConfig());
        } catch (NoClassDefFoundError e) {
            throw new IllegalStateException(
                    "this build of autost has no embedded Kafka broker (service images leave"
                            + " it out): pass --bootstrap-servers HOST:PORT",
                    e);
        }
    }

    String bootstrapServers() {
        return bootstrapServers;
    }

    /** The owner-only client properties of a secure broker, or empty. */
    Optional<Path> clientProperties() {
        return Optional.ofNullable(clientProperties);
    }

    /** What the services of this process must add to their clients (empty unless secure). */
    Map<String, String> clientConfig() {
        return clientConfig;
    }

    @Override
    public void close() {
        close.run();
    }
}
