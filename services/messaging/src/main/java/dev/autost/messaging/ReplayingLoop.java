package dev.autost.messaging;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A service loop whose state lives in compacted topics: at start it reads every given topic
 * from the beginning to the end offsets of that moment (the replay), hands each record to a
 * {@link Handler}, then keeps consuming and producing what the handler returns.
 *
 * <p>Why no consumer group: a restarted service must see the whole state again (every spec,
 * every score), not just what came after its last commit; offsets are never committed. What
 * the handler returns is sent with an idempotent producer, and the loop waits for the
 * acknowledgements before it polls again, so a crash never loses an output whose inputs were
 * already acted on without the output being durable: after a restart the replay recomputes it.
 *
 * <p>Runs on one dedicated thread (the Kafka consumer is single-threaded); the handler is
 * called only from that thread.
 */
public final class ReplayingLoop extends ServiceLoop {

    /** What a service does with its records. Called from the loop thread only. */
    public interface Handler {
        /**
         * One record, replayed or new. Must not throw for bad input: return a dead letter instead.
         *
         * @param replaying true while the start-up replay is running
         * @return records to produce (may be empty)
         */
        List<ProducerRecord<byte[], byte[]>> onRecord(ConsumerRecord<byte[], byte[]> record, boolean replaying);

        /**
         * Topics the replay reads to their end before the others (default none: all together).
         * A handler that learns from them which experiments are finished can then skip those
         * experiments' records instead of holding them, so its memory and work at a restart
         * follow the unfinished experiments rather than the whole history.
         */
        default List<String> replayFirst() {
            return List.of();
        }

        /** Called once when the replay reached the end of every topic; may resume work. */
        List<ProducerRecord<byte[], byte[]>> onCaughtUp();

        /**
         * {@link #onRecord} threw: a bug, or input the handler did not foresee. The loop logs it and
         * goes on with the next record, so one record never stops the service; a handler with a
         * dead-letter topic returns the record's dead letter here. The default skips it.
         */
        default List<ProducerRecord<byte[], byte[]>> onUnexpected(
                ConsumerRecord<byte[], byte[]> record, RuntimeException error) {
            return List.of();
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(ReplayingLoop.class);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

    private final Consumer<byte[], byte[]> consumer;
    private final Producer<byte[], byte[]> producer;
    private final List<String> topics;
    private final Handler handler;
    private final Duration pollTimeout;
    private final Duration startTimeout;

    /**
     * @param consumer a consumer without group id and without auto commit
     * @param producer an idempotent producer
     */
    public ReplayingLoop(
            String name,
            Consumer<byte[], byte[]> consumer,
            Producer<byte[], byte[]> producer,
            List<String> topics,
            Handler handler,
            Duration pollTimeout,
            Duration startTimeout) {
        super(name);
        this.consumer = Objects.requireNonNull(consumer, "consumer");
        this.producer = producer;
        this.topics = List.copyOf(topics);
        this.handler = Objects.requireNonNull(handler, "handler");
        this.pollTimeout = Objects.requireNonNull(pollTimeout, "pollTimeout");
        this.startTimeout = Objects.requireNonNull(startTimeout, "startTimeout");
    }

    /**
     * A loop that only reads (a view such as the API's): no producer; its handler must return
     * no records.
     */
    public static ReplayingLoop readOnly(
            String name,
            Consumer<byte[], byte[]> consumer,
            List<String> topics,
            Handler handler,
            Duration pollTimeout,
            Duration startTimeout) {
        return new ReplayingLoop(name, consumer, null, topics, handler, pollTimeout, startTimeout);
    }

    @Override
    protected void serve() throws InterruptedException {
        TopicReader reader =
                TopicReader.fromStart(consumer, topics, startTimeout).reportingAs(name);
        try {
            List<String> first = handler.replayFirst();
            if (!first.isEmpty()) {
                reader.readToEnd(first, records -> send(handle(records, true)), this::running);
            }
            reader.readToEnd(records -> send(handle(records, true)), this::running);
        } finally {
            ReplayProgress.done(name);
        }
        send(handler.onCaughtUp());
        markReady();
        LOG.info("{}: replayed {} and running", name, topics);
        while (running()) {
            send(handle(consumer.poll(pollTimeout), false));
        }
    }

    private List<ProducerRecord<byte[], byte[]>> handle(ConsumerRecords<byte[], byte[]> records, boolean replaying) {
        List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            try {
                out.addAll(handler.onRecord(r, replaying));
            } catch (RuntimeException e) {
                LOG.error("{}: handling {}-{}@{} failed; skipping it", name, r.topic(), r.partition(), r.offset(), e);
                out.addAll(handler.onUnexpected(r, e));
            }
        }
        return out;
    }

    private void send(List<ProducerRecord<byte[], byte[]>> records) throws InterruptedException {
        if (records.isEmpty()) {
            return;
        }
        if (producer == null) {
            throw new IllegalStateException(name + ": a read-only loop's handler returned records to send");
        }
        sendAll(producer, records);
    }

    @Override
    protected void wakeup() {
        consumer.wakeup();
    }

    @Override
    protected void closeClients() {
        if (producer != null) {
            closeQuietly("producer", () -> producer.close(CLOSE_TIMEOUT));
        }
        closeQuietly("consumer", () -> consumer.close(CloseOptions.timeout(CLOSE_TIMEOUT)));
    }
}
