package dev.autost.cli.pipeline;

import dev.autost.evaluator.EvaluatorVerticle;
import dev.autost.messaging.ClusterCheck;
import dev.autost.messaging.KafkaClients;
import dev.autost.messaging.TopicAdmin;
import dev.autost.messaging.Topics;
import dev.autost.observability.AutostMeters;
import dev.autost.observability.Observability;
import dev.autost.prober.ProberConfig;
import dev.autost.prober.ProberVerticle;
import dev.autost.sampler.SamplerVerticle;
import dev.autost.scorer.ScorerConfig;
import dev.autost.scorer.ScorerVerticle;
import dev.autost.trainer.TrainerConfig;
import dev.autost.trainer.TrainerVerticle;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;

/**
 * The services of one JVM: a Kafka broker (embedded unless bootstrap servers are given), the
 * topics, and the sampler, scorer, evaluator, prober and trainer verticles. What {@code autost search} and
 * {@code autost serve} start; tests use it to stop and restart single services.
 */
public final class LocalServices implements AutoCloseable {
    /** Services that can run in this JVM. */
    public enum Service {
        SAMPLER,
        SCORER,
        EVALUATOR,
        TRAINER,
        PROBER;

        /** The lower-case name used on the command line. */
        public String id() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        /**
         * @throws IllegalArgumentException naming the accepted services
         */
        public static Service parse(String name) {
            try {
                return valueOf(name.toUpperCase(java.util.Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        "unknown service '" + name + "' (expected sampler, scorer, evaluator, trainer or prober)");
            }
        }
    }

    /** The services of one search: the trainer joins only when candidates are trained. */
    public static final Service[] SEARCH = {Service.SAMPLER, Service.SCORER, Service.EVALUATOR};

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final EmbeddedBroker broker;
    private final String bootstrapServers;
    private final Vertx vertx;
    private final List<String> deployments = new ArrayList<>();
    private final java.util.Map<Service, List<String>> deployed = new java.util.EnumMap<>(Service.class);
    private int instance;
    private TrainerConfig trainerTemplate = TrainerConfig.of("unused");
    private dev.autost.sampler.SamplerLimits samplerLimits = dev.autost.sampler.SamplerLimits.DEFAULTS;
    private List<TrainerVerticle> lastTrainers = List.of();
    private final java.util.concurrent.CompletableFuture<Throwable> failed =
            new java.util.concurrent.CompletableFuture<>();

    private final boolean ownsVertx;
    private final AutostMeters meters;

    /** The client properties this process had before a secure embedded broker replaced them; restored on close. */
    private final java.util.Map<String, String> previousClientConfig;

    private LocalServices(
            EmbeddedBroker broker,
            String bootstrapServers,
            Observability obs,
            java.util.Map<String, String> previousClientConfig) {
        this.broker = broker;
        this.previousClientConfig = previousClientConfig;
        this.bootstrapServers = bootstrapServers;
        this.ownsVertx = obs == null;
        this.vertx = obs == null ? Vertx.vertx() : obs.vertx();
        this.meters = obs == null ? AutostMeters.noop() : obs.meters();
        if (obs != null) {
            obs.health().progressFrom(dev.autost.messaging.ReplayProgress::snapshot); // shown by /ready
        }
    }

    /**
     * Joins {@code bootstrapServers}, or starts an embedded broker when it is null, and makes
     * sure every topic exists.
     */
    public static LocalServices connect(String bootstrapServers, int partitions, short replication) {
        return connect(bootstrapServers, null, partitions, replication);
    }

    /**
     * As {@link #connect(String, int, short)}; an embedded broker keeps its data in
     * {@code kafkaData} when given (so {@code autost report} can read it later), else in a
     * temporary folder deleted on close.
     */
    public static LocalServices connect(
            String bootstrapServers, java.nio.file.Path kafkaData, int partitions, short replication) {
        return connect(bootstrapServers, kafkaData, partitions, replication, null);
    }

    /**
     * As above; with {@code observability}, the services run on its metrics-enabled Vert.x and
     * record their meters in its registry (the caller closes it after this).
     */
    public static LocalServices connect(
            String bootstrapServers,
            java.nio.file.Path kafkaData,
            int partitions,
            short replication,
            Observability observability) {
        return connect(bootstrapServers, kafkaData, false, partitions, replication, observability);
    }

    /**
     * As above; {@code secure} gives an embedded broker a SASL_SSL listener with SCRAM-SHA-512
     * (ignored with {@code bootstrapServers}), and every Kafka client of this process, the
     * services' included, then uses the broker's client properties until {@link #close()}.
     *
     * @throws dev.autost.messaging.ClusterRefusedException when the cluster refuses this
     *     process's clients (TLS or SASL), naming the address
     */
    public static LocalServices connect(
            String bootstrapServers,
            java.nio.file.Path kafkaData,
            boolean secure,
            int partitions,
            short replication,
            Observability observability) {
        EmbeddedBroker broker = null;
        String bootstrap = bootstrapServers;
        java.util.Map<String, String> previous = KafkaClients.config();
        if (bootstrap == null) {
            broker = EmbeddedBroker.start(kafkaData, secure);
            bootstrap = broker.bootstrapServers();
            if (!broker.clientConfig().isEmpty()) {
                // The in-process services go through the secure listener like any other client.
                KafkaClients.useConfig(broker.clientConfig());
            }
        }
        try (Admin admin = KafkaClients.admin(bootstrap)) {
            ClusterCheck.awaitCluster(admin, bootstrap, TIMEOUT);
            TopicAdmin.ensureTopics(admin, Topics.defaults(partitions, replication), TIMEOUT);
        } catch (RuntimeException e) {
            if (broker != null) {
                KafkaClients.useConfig(previous);
                broker.close();
            }
            throw e;
        }
        return new LocalServices(broker, bootstrap, observability, previous);
    }

    /** The client properties file of a secure embedded broker ({@code DATA_DIR/client.properties}), or empty. */
    public java.util.Optional<java.nio.file.Path> clientProperties() {
        return broker == null ? java.util.Optional.empty() : broker.clientProperties();
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** True when this JVM runs the broker. */
    public boolean embeddedBroker() {
        return broker != null;
    }

    /** Deploys the given services and waits until each has replayed its state. */
    public LocalServices start(Service... services) {
        for (Service s : services) {
            start(s);
        }
        return this;
    }

    /**
     * Deploys one service and returns its deployment id. A trainer is {@code concurrency} workers
     * (verticles); the id is the first one's, and {@link #stop} stops them all.
     */
    public String start(Service service) {
        String id = service.id() + "-" + (++instance);
        List<io.vertx.core.Deployable> verticles = switch (service) {
            case SAMPLER ->
                List.of(new SamplerVerticle(bootstrapServers, id, java.time.Clock.systemUTC(), meters, samplerLimits));
            case SCORER ->
                List.of(new ScorerVerticle(
                        ScorerConfig.of(bootstrapServers).withScorerId(id), java.time.Clock.systemUTC(), meters));
            case EVALUATOR -> List.of(new EvaluatorVerticle(bootstrapServers, id, java.time.Clock.systemUTC(), meters));
            case PROBER ->
                List.of(new ProberVerticle(
                        ProberConfig.of(bootstrapServers)
                                .withProberId(id)
                                .withDevice(trainerTemplate.device())
                                .withDataDir(trainerTemplate.dataDir())
                                .withTable(trainerTemplate.replay()),
                        java.time.Clock.systemUTC(),
                        meters));
            case TRAINER -> {
                lastTrainers = TrainerVerticle.workers(
                        trainerTemplate.withInstance(bootstrapServers, id), java.time.Clock.systemUTC(), meters);
                yield List.copyOf(lastTrainers);
            }
        };
        List<String> ids = new ArrayList<>();
        for (io.vertx.core.Deployable v : verticles) {
            ids.add(deploy(v));
        }
        deployed.put(service, ids);
        return ids.get(0);
    }

    /**
     * Completes with the error of the first service started here whose loop ended by itself (a
     * clean stop does not complete it): the service no longer works, whatever its endpoints say.
     */
    public java.util.concurrent.CompletableFuture<Throwable> failed() {
        return failed;
    }

    /** What samplers started from now on have going at once (searches, candidates of each). */
    public LocalServices samplerLimits(dev.autost.sampler.SamplerLimits limits) {
        this.samplerLimits = java.util.Objects.requireNonNull(limits, "limits");
        return this;
    }

    /** How trainers started from now on train (device, data, checkpoints, limits, recipe); probers take its device and data. */
    public LocalServices trainerSettings(TrainerConfig template) {
        this.trainerTemplate = Objects.requireNonNull(template, "template");
        return this;
    }

    /** Completes when every worker of the last trainer started here stopped (e.g. after its max requests). */
    public java.util.concurrent.CompletableFuture<Void> trainerDone() {
        if (lastTrainers.isEmpty()) {
            throw new IllegalStateException("no trainer was started");
        }
        return java.util.concurrent.CompletableFuture.allOf(lastTrainers.stream()
                .map(TrainerVerticle::done)
                .toArray(java.util.concurrent.CompletableFuture[]::new));
    }

    /** Whether the last trainer started here ended for want of work ({@code --idle-exit}). */
    public boolean trainerEndedIdle() {
        return lastTrainers.stream().allMatch(TrainerVerticle::endedIdle);
    }

    /** Deploys any other verticle (the API) on the same Vert.x instance; returns its deployment id. */
    public String deploy(io.vertx.core.Deployable verticle) {
        String deployment = await(vertx.deployVerticle(verticle));
        deployments.add(deployment);
        if (verticle instanceof dev.autost.messaging.LoopVerticle loop) {
            loop.done().thenRun(() -> loop.failure().ifPresent(failed::complete));
        }
        return deployment;
    }

    /** Undeploys the last instance of {@code service} started here (a clean stop; a trainer's workers together). */
    public void stop(Service service) {
        List<String> ids = Objects.requireNonNull(deployed.remove(service), () -> service + " is not running");
        for (String deployment : ids) {
            deployments.remove(deployment);
            await(vertx.undeploy(deployment));
        }
    }

    private static <T> T await(Future<T> f) {
        try {
            return f.toCompletionStage().toCompletableFuture().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (java.util.concurrent.ExecutionException e) {
            Throwable c = e.getCause();
            throw c instanceof RuntimeException r ? r : new IllegalStateException(c);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("a service did not start or stop within " + TIMEOUT, e);
        }
    }

    @Override
    public void close() {
        try {
            if (ownsVertx) {
                await(vertx.close());
            } else {
                for (String d : List.copyOf(deployments)) {
                    await(vertx.undeploy(d));
                }
                deployments.clear();
            }
        } finally {
            if (broker != null) {
                broker.close();
                KafkaClients.useConfig(previousClientConfig);
            }
        }
    }
}
