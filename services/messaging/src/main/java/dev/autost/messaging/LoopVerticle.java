package dev.autost.messaging;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.Producer;

/**
 * The one lifecycle of the AutoST services as Vert.x verticles: {@link #start()} builds the
 * service's {@link ServiceLoop}, runs it on its own thread and completes when the loop is ready;
 * {@link #stop()} asks it to end and completes after it closed its clients. The Kafka work stays
 * off the event loop; the verticle only starts and stops it.
 *
 * <p>The clients a subclass passes through {@link #metered} export Kafka's own metrics (consumer
 * lag as {@code kafka_consumer_fetch_manager_records_lag_max}, throughput) to the service's
 * registry while the loop runs: every service's lag is on the dashboard and its alert, not only
 * that of the services that remembered to bind it.
 */
public abstract class LoopVerticle extends VerticleBase {
    private ServiceLoop loop;
    /** Where the loop's Kafka clients report; null: nowhere. */
    private MeterRegistry kafkaMetrics;

    private final List<KafkaClientMetrics> bound = new ArrayList<>();

    /** A verticle whose Kafka clients report nowhere until {@link #kafkaMetricsTo} says where. */
    protected LoopVerticle() {}

    /** @param kafkaMetrics where the clients passed to {@link #metered} report */
    protected LoopVerticle(MeterRegistry kafkaMetrics) {
        this.kafkaMetrics = kafkaMetrics;
    }

    /** Has the clients passed to {@link #metered} report to {@code registry}; call before deployment. */
    protected final void kafkaMetricsTo(MeterRegistry registry) {
        this.kafkaMetrics = registry;
    }

    /** Builds the loop and its clients; called once per start, on the event loop. */
    protected abstract ServiceLoop createLoop();

    /** Returns {@code consumer}, its metrics bound to the service's registry until the verticle stops. */
    protected final <C extends Consumer<?, ?>> C metered(C consumer) {
        if (kafkaMetrics != null) {
            bind(new KafkaClientMetrics(consumer));
        }
        return consumer;
    }

    /** Returns {@code producer}, its metrics bound to the service's registry until the verticle stops. */
    protected final <P extends Producer<?, ?>> P metered(P producer) {
        if (kafkaMetrics != null) {
            bind(new KafkaClientMetrics(producer));
        }
        return producer;
    }

    /** A group member taking at most {@code maxPollRecords} records a poll, metered ({@link #metered}). */
    protected final KafkaConsumer<byte[], byte[]> meteredGroupConsumer(
            String bootstrapServers, String groupId, String clientId, int maxPollRecords) {
        return metered(KafkaClients.groupConsumer(
                bootstrapServers, groupId, clientId, Map.of(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, maxPollRecords)));
    }

    private void bind(KafkaClientMetrics metrics) {
        metrics.bindTo(kafkaMetrics);
        bound.add(metrics);
    }

    @Override
    public Future<?> start() {
        loop = createLoop();
        new Thread(loop, "autost-" + loop.name.replace(' ', '-')).start();
        return Future.fromCompletionStage(loop.ready(), context);
    }

    @Override
    public Future<?> stop() {
        if (loop == null) {
            return Future.succeededFuture();
        }
        loop.stop();
        return Future.fromCompletionStage(loop.done(), context).onComplete(x -> {
            // The meters only describe clients that are gone.
            bound.forEach(KafkaClientMetrics::close);
            bound.clear();
        });
    }

    /** Completes when the loop ended, stopped or by itself (a one-shot worker); null before start. */
    public CompletableFuture<Void> done() {
        return loop == null ? null : loop.done();
    }

    /** What ended the loop by itself ({@link ServiceLoop#failure()}); empty before start. */
    public Optional<Throwable> failure() {
        return loop == null ? Optional.empty() : loop.failure();
    }
}
