package dev.autost.prober;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.autost.broker.EmbeddedKafkaBroker;
import dev.autost.broker.TopicProbe;
import dev.autost.domain.genome.Genome;
import dev.autost.domain.search.Objective;
import dev.autost.domain.space.SearchSpaces;
import dev.autost.messaging.KafkaClients;
import dev.autost.messaging.TopicAdmin;
import dev.autost.messaging.Topics;
import dev.autost.messaging.codec.ExperimentPlan;
import dev.autost.messaging.codec.ScoreMessages;
import dev.autost.models.data.Datasets;
import dev.autost.models.proxy.InitProxies;
import dev.autost.models.train.Recipe;
import dev.autost.models.train.TrainingRun;
import dev.autost.observability.AutostMeters;
import dev.autost.proto.v1.ExperimentSpec;
import dev.autost.proto.v1.Score;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The prober on a real broker with the real Fashion-MNIST and DJL: the score of a candidate of an
 * experiment on {@code sahd} comes back probed, with exactly the figures the in-process probe
 * gives and the trainer's training path measures before training, for the same genome, seed and
 * images.
 */
class ProberVerticleIT {
    private static final Genome GENOME = new Genome(2, List.of(2.0, 3.0), List.of(4, 2), 32, 0);
    private static final long SEED = 7;
    private static EmbeddedKafkaBroker broker;
    private static Vertx vertx;

    @BeforeAll
    static void start() {
        broker = EmbeddedKafkaBroker.builder().build().start();
        try (Admin admin = KafkaClients.admin(broker.bootstrapServers())) {
            TopicAdmin.ensureTopics(admin, Topics.defaults(), Duration.ofSeconds(60));
        }
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stop() throws Exception {
        if (vertx != null) {
            vertx.close().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        }
        if (broker != null) {
            broker.close();
        }
    }

    private static ExperimentSpec spec(String id) {
        return ExperimentPlan.specBuilder(id, SearchSpaces.builtIn("fashion-micro"), "evolution", SEED, 4, 1, 0)
                .setObjective("sahd")
                .build();
    }

    private static Score score(String experiment) {
        return FashionMicroScores.score(experiment, GENOME);
    }

    private static void send(String topic, String key, byte[] value) throws Exception {
        try (KafkaProducer<byte[], byte[]> p = KafkaClients.producer(broker.bootstrapServers(), "it-producer")) {
            p.send(new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), value))
                    .get();
        }
    }

    @Test
    void scoreOfASahdExperiment_comesBackWithTheProxiesTheTrainerMeasures() throws Exception {
        String id = "probe-it";
        send(Topics.EXPERIMENTS, id, spec(id).toByteArray());
        send(Topics.SCORES, Topics.genomeKey(id, GENOME.hash()), score(id).toByteArray());
        ProberVerticle prober = new ProberVerticle(
                ProberConfig.of(broker.bootstrapServers()).withProberId("prober-it"),
                Clock.systemUTC(),
                AutostMeters.noop());
        vertx.deployVerticle(prober).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);

        List<ConsumerRecord<byte[], byte[]>> records = TopicProbe.read(
                broker.bootstrapServers(), Topics.SCORES, id + "/", l -> l.size() >= 2, Duration.ofMinutes(2));
        Score probed = Score.parseFrom(records.get(1).value());
        Map<String, Double> overKafka = ScoreMessages.probes(probed);
        assertEquals(Objective.PROBE_METRICS.size(), overKafka.size(), overKafka.toString());
        assertTrue(Double.isFinite(overKafka.get("sahd")), overKafka.toString());

        // The same probe in process, as an offline search runs it.
        ExperimentPlan plan = ExperimentPlan.fromSpec(spec(id));
        assertEquals(
                overKafka,
                new ExperimentProbe("cpu", Optional.empty(), TrainingRun.DEFAULT_PROXY_IMAGES).measure(plan, GENOME));

        // The trainer's path: the proxies TrainingRun measures before it trains, on the same images.
        Datasets datasets = new Datasets(Optional.empty(), 128, 64);
        TrainingRun run = TrainingRun.builder()
                .setGenome(GENOME)
                .setData(datasets.get("fashion-mnist"))
                .setRecipe(Recipe.SHORT.toBuilder().optEpochs(1).optSeed(SEED).build())
                .optTimeSteps(plan.space().modelSetting().timeSteps())
                .optProxyImages(TrainingRun.DEFAULT_PROXY_IMAGES)
                .build();
        InitProxies trained = run.run(new dev.autost.models.train.EpochListener() {})
                .proxies()
                .orElseThrow();
        assertEquals(overKafka, trained.metrics(run.energyPj(trained.firingRates())));
        assertTrue(prober.probed() >= 1);
    }
}
