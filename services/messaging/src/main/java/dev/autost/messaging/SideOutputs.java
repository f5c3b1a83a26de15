package dev.autost.messaging;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link CommittingLoop.Context} of a loop: whether it still runs, and its side outputs
 * (progress) sent in order on a daemon thread of their own. {@code KafkaProducer.send} itself
 * blocks (up to {@code max.block.ms}, a minute) when the broker is gone, e.g. on a host shutdown:
 * a side output must never hold up the work.
 */
final class SideOutputs implements CommittingLoop.Context {
    private static final Logger LOG = LoggerFactory.getLogger(SideOutputs.class);

    private final Producer<byte[], byte[]> producer;
    private final BooleanSupplier running;
    private final ExecutorService sender;

    SideOutputs(String name, Producer<byte[], byte[]> producer, BooleanSupplier running) {
        this.producer = producer;
        this.running = running;
        this.sender = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, name + "-side");
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public boolean running() {
        return running.getAsBoolean();
    }

    @Override
    public void publish(ProducerRecord<byte[], byte[]> record) {
        try {
            sender.execute(() -> {
                try {
                    producer.send(record);
                } catch (RuntimeException e) {
                    LOG.debug("side output to {} dropped: {}", record.topic(), e.toString());
                }
            });
        } catch (RejectedExecutionException stopping) {
            // The loop is closing: a lost side output is acceptable.
        }
    }

    /** Drops the side outputs still queued and interrupts one stuck in send. */
    void stop() {
        sender.shutdownNow();
    }
}
