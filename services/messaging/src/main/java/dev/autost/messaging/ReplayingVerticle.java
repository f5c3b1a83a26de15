package dev.autost.messaging;

import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A service whose state is the compacted topics it replays at every start (the sampler, the
 * evaluator): a {@link ReplayingLoop} over {@code topics} with a fresh handler per start, a
 * group-less consumer and an idempotent producer named after the instance.
 */
public class ReplayingVerticle extends LoopVerticle {
    private static final Duration POLL_TIMEOUT = Duration.ofMillis(200);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final String service;
    private final String bootstrapServers;
    private final String instanceId;
    private final List<String> topics;
    private final Function<DeadLetters, ReplayingLoop.Handler> handler;
    private final Clock clock;
    private final Consumer<String> deadLetterCounter;

    /**
     * @param service    the service's name, e.g. {@code sampler}
     * @param instanceId this instance: thread and Kafka client ids
     * @param clock      stamps dead letters
     * @param deadLetterCounter told the source topic of every dead letter (the service's meter)
     * @param kafkaMetrics where the consumer's lag and the clients' throughput are reported
     * @param handler    makes the handler of one run from its dead letters (its state starts empty
     *                   at each start)
     */
    protected ReplayingVerticle(
            String service,
            String bootstrapServers,
            String instanceId,
            List<String> topics,
            Clock clock,
            Consumer<String> deadLetterCounter,
            MeterRegistry kafkaMetrics,
            Function<DeadLetters, ReplayingLoop.Handler> handler) {
        super(kafkaMetrics);
        this.service = Objects.requireNonNull(service, "service");
        this.bootstrapServers = Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        this.instanceId = Objects.requireNonNull(instanceId, "instanceId");
        this.topics = List.copyOf(topics);
        this.handler = Objects.requireNonNull(handler, "handler");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.deadLetterCounter = Objects.requireNonNull(deadLetterCounter, "deadLetterCounter");
    }

    @Override
    protected final ServiceLoop createLoop() {
        return new ReplayingLoop(
                service + " " + instanceId,
                metered(KafkaClients.replayingConsumer(bootstrapServers, instanceId + "-in")),
                metered(KafkaClients.producer(bootstrapServers, instanceId + "-out")),
                topics,
                handler.apply(new DeadLetters(service, clock, deadLetterCounter)),
                POLL_TIMEOUT,
                START_TIMEOUT);
    }
}
