package dev.autost.cli.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.autost.api.Charts;
import dev.autost.broker.EmbeddedKafkaBroker;
import dev.autost.domain.benchmark.TableReplay;
import dev.autost.domain.cost.CostModel;
import dev.autost.domain.genome.Genome;
import dev.autost.domain.model.Backbone;
import dev.autost.domain.search.Candidate;
import dev.autost.domain.space.SearchSpace;
import dev.autost.domain.space.SearchSpaces;
import dev.autost.messaging.KafkaClients;
import dev.autost.messaging.Topics;
import dev.autost.messaging.codec.CandidateMessages;
import dev.autost.messaging.codec.ExperimentPlan;
import dev.autost.messaging.codec.GenomeMessages;
import dev.autost.messaging.codec.ScoreMessages;
import dev.autost.messaging.codec.TrainMessages;
import dev.autost.proto.SchemaVersions;
import dev.autost.proto.v1.CandidateMessage;
import dev.autost.proto.v1.DeadLetter;
import dev.autost.proto.v1.ExperimentSpec;
import dev.autost.proto.v1.GenomeMessage;
import dev.autost.proto.v1.Report;
import dev.autost.proto.v1.Score;
import dev.autost.proto.v1.TrainProgress;
import dev.autost.proto.v1.TrainRequest;
import dev.autost.proto.v1.TrainResult;
import dev.autost.trainer.TrainerConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fuzz suite: spoiled records ({@link RecordFuzzer}) on every input topic of the sampler,
 * scorer, evaluator, prober, trainer and the API's read model, live on a real broker, under keys
 * that are sometimes absent or a real experiment's, then a normal search. No service may stop,
 * the search must give the in-process ranking, the API must answer its reads and charts, every
 * dead letter must carry a reason, and each service must have refused the bad records of each
 * topic it reads. The trainer replays the tabulated benchmark ({@code --table}), so a valid
 * mutated request (10 000 epochs) is answered without training. Records per topic:
 * {@code -Dautost.fuzz.records} (default 300; docs/reliability.md has a 10 000 run).
 */
class FuzzedRecordsIT {
    private static final Logger LOG = LoggerFactory.getLogger(FuzzedRecordsIT.class);
    private static final int RECORDS = Integer.getInteger("autost.fuzz.records", 300);
    private static final SearchSpace SMALL = SearchSpaces.builtIn("small");
    private static final String LIVE = "fuzz-live";
    /** The repository's tabulated benchmark, which the trainer replays (the module's folder is the working directory). */
    private static final Path TABLE = Path.of("../../docs/study/table/table.csv");

    /** Each topic fuzzed, and the services that must dead-letter some of its records. */
    private static final Map<String, List<String>> REFUSED_BY = new LinkedHashMap<>();

    static {
        REFUSED_BY.put(Topics.EXPERIMENTS, List.of("sampler"));
        REFUSED_BY.put(Topics.CANDIDATES, List.of("scorer"));
        REFUSED_BY.put(Topics.SCORES, List.of("sampler", "evaluator"));
        REFUSED_BY.put(Topics.REPORTS, List.of("evaluator"));
        REFUSED_BY.put(Topics.TRAIN_RESULTS, List.of("evaluator"));
        REFUSED_BY.put(Topics.TRAIN_REQUESTS, List.of("trainer"));
        // Read by the API's read model only, which skips what it cannot use (it only reads).
        REFUSED_BY.put(Topics.TRAIN_PROGRESS, List.of());
    }

    @Test
    void spoiledRecordsOnEveryInputTopic_noServiceStops_searchGivesTheInProcessRanking() throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().build().start();
                LocalServices s = LocalServices.connect(broker.bootstrapServers(), 3, (short) 1)
                        // The prober reads the scores topic too, spoiled records included; it
                        // starts before the trainer's settings, so it probes real networks.
                        .start(
                                LocalServices.Service.SAMPLER,
                                LocalServices.Service.SCORER,
                                LocalServices.Service.EVALUATOR,
                                LocalServices.Service.PROBER);
                ExperimentClient client = new ExperimentClient(s.bootstrapServers());
                KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(s.bootstrapServers(), "it-fuzz")) {
            s.trainerSettings(TrainerConfig.of(broker.bootstrapServers())
                    .withReplay(Optional.of(TableReplay.load(TABLE, Duration.ZERO))));
            s.start(LocalServices.Service.TRAINER);
            // The API's read model consumes the same topics; its answers are checked at the end.
            dev.autost.api.ApiVerticle api = new dev.autost.api.ApiVerticle(
                    s.bootstrapServers(),
                    dev.autost.api.ApiServerConfig.of("127.0.0.1", 0),
                    "fuzz-token",
                    java.time.Clock.systemUTC(),
                    null);
            s.deploy(api);
            // A live experiment, so that spoiled scores, reports and results meet real state too.
            ExperimentSpec live = ExperimentPlan.specBuilder(LIVE, SMALL, "evolution", 3, 10, 2, 0)
                    .setTrainTopK(2)
                    .build();
            client.submit(live);
            long start = System.currentTimeMillis();

            Map<String, Map<RecordFuzzer.Mutation, Integer>> sent = new TreeMap<>();
            RecordFuzzer fuzzer = new RecordFuzzer(20261129);
            List<Future<?>> sends = new ArrayList<>();
            for (String topic : REFUSED_BY.keySet()) {
                Map<RecordFuzzer.Mutation, Integer> counts = new EnumMap<>(RecordFuzzer.Mutation.class);
                for (int i = 0; i < RECORDS; i++) {
                    RecordFuzzer.Mutation m = fuzzer.pick();
                    counts.merge(m, 1, Integer::sum);
                    byte[] value = fuzzer.spoil(m, valid(topic, i), absurd(topic, i));
                    byte[] key = key(topic, i);
                    sends.add(producer.send(new ProducerRecord<>(topic, key, value)));
                }
                sent.put(topic, counts);
            }
            for (Future<?> f : sends) {
                f.get();
            }
            LOG.info("fuzz: sent {} records per topic: {}", RECORDS, sent);

            // A normal search after the storm: same ranking as in process, nothing stopped.
            ExperimentSpec normal = PipelineContract.spec(7, "evolution");
            client.submit(normal);
            assertEquals(
                    InProcessRanking.of(normal),
                    PipelineContract.viaKafka(client.follow(normal.getExperimentId(), Duration.ofMinutes(5), null)));
            assertFalse(
                    s.failed().isDone(),
                    () -> "a service stopped: " + s.failed().getNow(null));
            java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
            for (String path : List.of(
                    "api/experiments",
                    "api/experiments/" + LIVE,
                    "api/experiments/" + LIVE + "/leaderboard",
                    "api/experiments/" + LIVE + "/pareto",
                    "api/experiments/" + LIVE + "/correlation",
                    "api/experiments/" + normal.getExperimentId() + "/leaderboard")) {
                var response = http.send(
                        java.net.http.HttpRequest.newBuilder(java.net.URI.create(api.url() + path))
                                .build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
                assertEquals(200, response.statusCode(), path + ": " + response.body());
            }
            // The charts render from the same state the spoiled records met.
            for (String chart : Charts.names()) {
                var response = http.send(
                        java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                                        api.url() + "api/experiments/" + LIVE + "/charts/" + chart + ".png"))
                                .build(),
                        java.net.http.HttpResponse.BodyHandlers.ofByteArray());
                assertEquals(
                        200, response.statusCode(), chart + ": " + new String(response.body(), StandardCharsets.UTF_8));
            }

            Map<String, Integer> letters = deadLettersSince(s.bootstrapServers(), start);
            LOG.info("fuzz: dead letters by source topic and service: {}", letters);
            REFUSED_BY.forEach((topic, services) -> {
                for (String service : services) {
                    assertTrue(
                            letters.getOrDefault(topic + " / " + service, 0) > 0,
                            () -> service + " dead-lettered nothing of " + topic + ": " + letters);
                }
            });
        }
    }

    /**
     * The key of record {@code i}: usually its own, but also none (empty on a compacted topic), the live experiment's id, a
     * genome key of it (the form of requests, results and progress), or another topic's record
     * key, so that what a service decides by key alone (skipping an experiment it has done with)
     * meets bad records too.
     */
    private static byte[] key(String topic, int i) {
        // The broker itself refuses a record without a key on a compacted (state) topic.
        boolean compacted = !topic.equals(Topics.CANDIDATES)
                && !topic.equals(Topics.TRAIN_REQUESTS)
                && !topic.equals(Topics.TRAIN_PROGRESS);
        String k = switch (i % 5) {
            case 0 -> compacted ? "" : null;
            case 1 -> LIVE;
            case 2 ->
                Topics.genomeKey(
                        LIVE, SMALL.sample(new java.util.SplittableRandom(i)).hash());
            case 3 -> "fuzz-exp-" + i;
            default -> "fuzz-" + topic + "-" + i;
        };
        return k == null ? null : k.getBytes(StandardCharsets.UTF_8);
    }

    /** A well-formed record of {@code topic}, different for each {@code i}. */
    private static byte[] valid(String topic, int i) {
        Genome g = SMALL.sample(new java.util.SplittableRandom(i));
        CandidateMessage c = CandidateMessages.toProto(LIVE, new Candidate(i, 0, g));
        return switch (topic) {
            case Topics.EXPERIMENTS ->
                ExperimentPlan.specBuilder("fuzz-exp-" + i, SMALL, "random", i, 10, 1, 0)
                        .build()
                        .toByteArray();
            case Topics.CANDIDATES -> c.toByteArray();
            case Topics.SCORES -> score(c, g).toByteArray();
            case Topics.REPORTS ->
                Report.newBuilder()
                        .setSchemaVersion(SchemaVersions.CURRENT)
                        .setExperimentId(LIVE)
                        .setPhase(Report.Phase.RUNNING)
                        .setGeneration(1)
                        .setCandidatesScored(10)
                        .addTop(ScoreMessages.ranked(score(c, g)))
                        .setSource("sampler")
                        .build()
                        .toByteArray();
            case Topics.TRAIN_RESULTS ->
                TrainResult.newBuilder()
                        .setSchemaVersion(SchemaVersions.CURRENT)
                        .setExperimentId(LIVE)
                        .setGenomeHash(g.hash())
                        .setStatus(TrainResult.Status.OK)
                        .setTestAccuracy(0.5)
                        .setParams(1000)
                        .putProxies("sahd", 1.0)
                        .build()
                        .toByteArray();
            case Topics.TRAIN_REQUESTS -> request(i, g).toByteArray();
            case Topics.TRAIN_PROGRESS -> progress(g).toByteArray();
            default -> throw new IllegalArgumentException(topic);
        };
    }

    /** A step's progress of the live experiment's training of {@code g}. */
    private static TrainProgress progress(Genome g) {
        return TrainProgress.newBuilder()
                .setSchemaVersion(SchemaVersions.CURRENT)
                .setExperimentId(LIVE)
                .setGenomeHash(g.hash())
                .setEpoch(1)
                .setEpochs(3)
                .setStep(10)
                .setSteps(62)
                .setTrainLoss(1.5)
                .setTestAccuracy(0.5)
                .setImagesPerSecond(100)
                .build();
    }

    /** A train request of the live experiment, for a genome of its space or (every other one) of the table's. */
    private static TrainRequest request(int i, Genome g) {
        Genome genome =
                i % 2 == 0 ? g : SearchSpaces.builtIn("fashion-table").sample(new java.util.SplittableRandom(i));
        return TrainMessages.request(LIVE, genome, "fashion-mnist", 3, 1, 0, Backbone.AUTOST, 4);
    }

    private static Score score(CandidateMessage c, Genome g) {
        return ScoreMessages.score(c, g, new CostModel(SMALL.modelSetting()).estimate(g), "fuzz");
    }

    /** Decodable records no AutoST service would write: the values are the attack. */
    private static List<Supplier<byte[]>> absurd(String topic, int i) {
        Genome g = SMALL.sample(new java.util.SplittableRandom(i));
        CandidateMessage c = CandidateMessages.toProto(LIVE, new Candidate(i, 0, g));
        GenomeMessage deep = GenomeMessage.newBuilder()
                .setDepth(100_000)
                .addAllMlpRatios(Collections.nCopies(100_000, 4.0))
                .addAllNumHeads(Collections.nCopies(100_000, 8))
                .setEmbedDim(Integer.MAX_VALUE)
                .build();
        GenomeMessage nan = GenomeMessages.toProto(g).toBuilder()
                .setMlpRatios(0, Double.NaN)
                .build();
        String nested = "[".repeat(20_000) + "]".repeat(20_000);
        return switch (topic) {
            case Topics.EXPERIMENTS ->
                List.of(
                        () -> ExperimentPlan.specBuilder("fuzz-abs-" + i, SMALL, "evolution", 1, 10, 1, 0)
                                .setPopulation(2_000_000_000)
                                .build()
                                .toByteArray(),
                        () -> ExperimentSpec.newBuilder()
                                .setSchemaVersion(SchemaVersions.CURRENT)
                                .setExperimentId("fuzz-yaml-" + i)
                                .setSpaceYaml(nested)
                                .build()
                                .toByteArray(),
                        () -> ExperimentPlan.specBuilder("x".repeat(5_000), SMALL, "z".repeat(10_000), -1, -1, -1, -1)
                                .build()
                                .toByteArray(),
                        () -> ExperimentPlan.specBuilder("../../etc", SMALL, "random", 1, 10, 1, 0)
                                .build()
                                .toByteArray());
            case Topics.CANDIDATES ->
                List.of(
                        () -> c.toBuilder().setGenome(deep).build().toByteArray(),
                        () -> c.toBuilder().setGenome(nan).build().toByteArray(),
                        () -> c.toBuilder().setExperimentId("").build().toByteArray(),
                        () -> c.toBuilder()
                                .setSequence(-1)
                                .setGeneration(-1)
                                .build()
                                .toByteArray());
            case Topics.SCORES ->
                List.of(
                        () -> score(c, g).toBuilder()
                                .setFlopsSyops(Double.NaN)
                                .setEnergyPj(Double.NEGATIVE_INFINITY)
                                .build()
                                .toByteArray(),
                        () -> score(c, g).toBuilder().setGenome(deep).build().toByteArray(),
                        () -> score(c, g).toBuilder().setGenome(nan).build().toByteArray(),
                        () -> score(c, g).toBuilder()
                                .putAllExtra(manyMetrics(5_000))
                                .setSequence(Long.MIN_VALUE)
                                .build()
                                .toByteArray(),
                        () -> score(c, g).toBuilder().setGenomeHash("").build().toByteArray());
            case Topics.REPORTS ->
                List.of(
                        () -> Report.newBuilder()
                                .setSchemaVersion(SchemaVersions.CURRENT)
                                .setExperimentId(LIVE)
                                .setPhaseValue(99)
                                .setGeneration(-1)
                                .setCandidatesScored(Long.MAX_VALUE)
                                .setBestScore(Double.NaN)
                                .build()
                                .toByteArray(),
                        () -> Report.newBuilder()
                                .setSchemaVersion(SchemaVersions.CURRENT)
                                .setExperimentId(LIVE)
                                .setPhase(Report.Phase.FAILED)
                                .addAllTop(IntStream.range(0, 2_000)
                                        .mapToObj(k -> ScoreMessages.ranked(score(c, g))
                                                .setGenome(nan)
                                                .build())
                                        .toList())
                                .build()
                                .toByteArray());
            case Topics.TRAIN_RESULTS ->
                List.of(
                        () -> TrainResult.newBuilder()
                                .setSchemaVersion(SchemaVersions.CURRENT)
                                .setExperimentId(LIVE)
                                .setGenomeHash(g.hash())
                                .setStatusValue(99)
                                .setTestAccuracy(Double.NaN)
                                .setTrainLoss(Double.POSITIVE_INFINITY)
                                .build()
                                .toByteArray(),
                        () -> TrainResult.newBuilder()
                                .setSchemaVersion(SchemaVersions.CURRENT)
                                .setExperimentId(LIVE)
                                .setGenomeHash("not-a-hash-" + i)
                                .setStatus(TrainResult.Status.OK)
                                .setTestAccuracy(-7)
                                .putAllProxies(manyMetrics(5_000))
                                .putAllFiringRates(manyMetrics(5_000))
                                .build()
                                .toByteArray());
            case Topics.TRAIN_REQUESTS ->
                List.of(
                        // Valid, and legitimate work for a real trainer: the replay answers at once.
                        () -> request(i, g).toBuilder()
                                .setEpochs(10_000)
                                .setScheduleEpochs(10_000)
                                .build()
                                .toByteArray(),
                        () -> request(i, g).toBuilder().setGenome(deep).build().toByteArray(),
                        () -> request(i, g).toBuilder().setGenome(nan).build().toByteArray(),
                        () -> request(i, g).toBuilder()
                                .setExperimentId("../../etc")
                                .setGenomeHash("../x")
                                .build()
                                .toByteArray(),
                        () -> request(i, g).toBuilder()
                                .setDataset("../../etc/passwd")
                                .setBackbone("z".repeat(10_000))
                                .setTimeSteps(Integer.MAX_VALUE)
                                .build()
                                .toByteArray());
            case Topics.TRAIN_PROGRESS ->
                List.of(
                        () -> progress(g).toBuilder()
                                .clearStep()
                                .clearSteps()
                                .setEpoch(Integer.MAX_VALUE)
                                .setEpochs(1)
                                .setTrainLoss(Double.NaN)
                                .setTestAccuracy(Double.POSITIVE_INFINITY)
                                .setImagesPerSecond(-1)
                                .setSecondsLeft(Double.NaN)
                                .putAllFiringRates(manyMetrics(5_000))
                                .build()
                                .toByteArray(),
                        () -> TrainProgress.newBuilder()
                                .setSchemaVersion(SchemaVersions.CURRENT)
                                .setExperimentId("../" + LIVE)
                                .setGenomeHash("")
                                .setStep(-1)
                                .setSteps(0)
                                .build()
                                .toByteArray());
            default -> throw new IllegalArgumentException(topic);
        };
    }

    private static Map<String, Double> manyMetrics(int n) {
        Map<String, Double> m = new TreeMap<>();
        for (int k = 0; k < n; k++) {
            m.put("m" + k, k % 3 == 0 ? Double.NaN : k * 1e300);
        }
        return m;
    }

    /** Dead letters written since {@code sinceMs}, counted by "source topic / service"; each must have a reason. */
    private static Map<String, Integer> deadLettersSince(String bootstrap, long sinceMs) throws Exception {
        Map<String, Integer> counts = new TreeMap<>();
        try (KafkaConsumer<byte[], byte[]> c = KafkaClients.replayingConsumer(bootstrap, "it-fuzz-dead")) {
            List<TopicPartition> parts = new ArrayList<>();
            c.partitionsFor(Topics.DEAD_LETTERS)
                    .forEach(p -> parts.add(new TopicPartition(Topics.DEAD_LETTERS, p.partition())));
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp)) && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    DeadLetter d = DeadLetter.parseFrom(r.value());
                    if (d.getAtMs() < sinceMs) {
                        continue;
                    }
                    assertFalse(d.getReason().isBlank(), "a dead letter without a reason: " + d);
                    // A handler that threw is a bug met by a bad record, not a refusal naming it.
                    // An output too large to publish is a report lost to whoever waits for it.
                    assertFalse(
                            d.getReason().startsWith("the broker refused"),
                            d.getService() + " lost an output: " + d.getReason());
                    assertFalse(
                            d.getReason().startsWith("unexpected error"),
                            d.getService() + " failed on a " + d.getSourceTopic() + " record: " + d.getReason());
                    counts.merge(d.getSourceTopic() + " / " + d.getService(), 1, Integer::sum);
                }
            }
        }
        return counts;
    }
}
