package dev.autost.cli.chaos;

import dev.autost.broker.EmbeddedKafkaBroker;
import java.nio.file.Path;

/**
 * The embedded broker alone in its own process on a kept data folder: the chaos suite's "broker
 * host", which it kills with SIGKILL and starts again on the same data. A restart on the same
 * folder keeps the ports (EmbeddedKafkaBroker reads them from the folder), so services started
 * with {@code --bootstrap-servers} reconnect by themselves. SIGTERM closes it cleanly.
 */
public final class BrokerMain {
    /** Printed with the bootstrap servers once the broker answers. */
    static final String READY = "chaos broker ready at ";

    private BrokerMain() {}

    /** @param args the data folder */
    public static void main(String[] args) throws InterruptedException {
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder()
                .optDataDir(Path.of(args[0]))
                .build()
                .start();
        Runtime.getRuntime().addShutdownHook(new Thread(broker::close, "broker-shutdown"));
        System.out.println(READY + broker.bootstrapServers());
        System.out.flush();
        Thread.currentThread().join();
    }
}
