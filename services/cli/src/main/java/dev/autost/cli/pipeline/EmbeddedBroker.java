package dev.autost.cli.pipeline;

import dev.autost.broker.EmbeddedKafkaBroker;
import java.nio.file.Path;

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

    private EmbeddedBroker(Runnable close, String bootstrapServers) {
        this.close = close;
        this.bootstrapServers = bootstrapServers;
    }

    /** Starts a broker keeping its data in {@code dataDir}, or in a temporary folder when null. */
    static EmbeddedBroker start(Path dataDir) {
        try {
            EmbeddedKafkaBroker.Builder b = EmbeddedKafkaBroker.builder();
            if (dataDir != null) {
                b.optDataDir(dataDir);
            }
            EmbeddedKafkaBroker broker = b.build().start();
            return new EmbeddedBroker(broker::close, broker.bootstrapServers());
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

    @Override
    public void close() {
        close.run();
    }
}
