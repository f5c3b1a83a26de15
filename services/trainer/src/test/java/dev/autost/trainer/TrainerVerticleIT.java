package dev.autost.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.autost.broker.EmbeddedKafkaBroker;
import dev.autost.broker.TopicProbe;
import dev.autost.domain.cost.CostModel;
import dev.autost.domain.genome.Genome;
import dev.autost.domain.model.Backbone;
import dev.autost.domain.model.ModelSetting;
import dev.autost.messaging.KafkaClients;
import dev.autost.messaging.TopicAdmin;
import dev.autost.messaging.Topics;
import dev.autost.messaging.codec.TrainMessages;
import dev.autost.models.train.Recipe;
import dev.autost.proto.v1.DeadLetter;
import dev.autost.proto.v1.ExperimentSpec;
import dev.autost.proto.v1.TrainProgress;
import dev.autost.proto.v1.TrainRequest;
import dev.autost.proto.v1.TrainResult;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The trainer worker on an embedded broker (a fresh one per test: every consumer group reads a
 * topic from its start, so tests must not see each other's requests) with the real Fashion-MNIST (cut to a few hundred
 * images so the suite stays short): results and progress, dead letters, a diverging run that
 * fails cleanly, and a worker stopped mid-job whose successor resumes from the checkpoint.
 */
class TrainerVerticleIT {
    private static final Genome GENOME = new Genome(1, List.of(2.0), List.of(4), 32, 0);
    private static EmbeddedKafkaBroker broker;
    private static Vertx vertx;
    private static String bootstrap;

    @TempDir
    Path checkpoints;

    @org.junit.jupiter.api.BeforeEach
    void start() {
        broker = EmbeddedKafkaBroker.builder().build().start();
        bootstrap = broker.bootstrapServers();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            TopicAdmin.ensureTopics(admin, Topics.defaults(), Duration.ofSeconds(60));
        }
        vertx = Vertx.vertx();
    }

    @org.junit.jupiter.api.AfterEach
    void stop() throws Exception {
        if (vertx != null) {
            vertx.close().toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        }
        if (broker != null) {
            broker.close();
        }
    }

    private TrainerConfig config(String id, String group) {
        return config(id, group, Recipe.SHORT);
    }

    /** A worker that trains every request: the tests compare trainings with each other. */
    private TrainerConfig config(String id, String group, Recipe recipe) {
        return new TrainerConfig(
                bootstrap,
                id,
                group,
                "cpu",
                java.util.Optional.empty(),
                checkpoints,
                recipe,
                256,
                256,
                0,
                1,
                0,
                false,
                java.time.Duration.ZERO,
                java.util.Optional.empty());
    }

    private static TrainRequest request(String experiment, int epochs) {
        return request(experiment, GENOME, epochs);
    }

    private static TrainRequest request(String experiment, Genome genome, int epochs) {
        return TrainMessages.request(experiment, genome, "fashion-mnist", epochs, 1, 1, Backbone.AUTOST, 4);
    }

    private static void send(String key, byte[] value) throws Exception {
        try (KafkaProducer<byte[], byte[]> p = KafkaClients.producer(bootstrap, "it-requests")) {
            p.send(new ProducerRecord<>(Topics.TRAIN_REQUESTS, key.getBytes(StandardCharsets.UTF_8), value))
                    .get();
        }
    }

    private static String deploy(TrainerVerticle v) throws Exception {
        return vertx.deployVerticle(v).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }

    /** Records of {@code topic} whose key starts with {@code prefix}, until {@code until} holds. */
    private static List<ConsumerRecord<byte[], byte[]>> read(
            String topic, String prefix, Predicate<List<ConsumerRecord<byte[], byte[]>>> until) {
        return read(topic, prefix, until, Duration.ofMinutes(4));
    }

    private static List<ConsumerRecord<byte[], byte[]>> read(
            String topic, String prefix, Predicate<List<ConsumerRecord<byte[], byte[]>>> until, Duration wait) {
        return TopicProbe.read(bootstrap, topic, prefix, until, wait);
    }

    @Test
    void request_isTrained_progressAndResultPublished_garbageDeadLettered() throws Exception {
        TrainerVerticle trainer = new TrainerVerticle(config("t-ok", "it-ok"));
        deploy(trainer);
        send("junk-ok/x", new byte[] {(byte) 0xff, 0x01, 0x02});
        // An experiment id that would put the checkpoint outside the checkpoint root.
        send("junk-ok/traversal", request("..", 1).toByteArray());
        send("it-ok/" + GENOME.hash(), request("it-ok", 2).toByteArray());
        List<ConsumerRecord<byte[], byte[]>> results = read(Topics.TRAIN_RESULTS, "it-ok/", l -> !l.isEmpty());
        TrainResult r = TrainResult.parseFrom(results.get(0).value());
        assertEquals(TrainResult.Status.OK, r.getStatus(), r.getFailureReason());
        // 8 steps on 256 images teach little; the accuracy target is checked by the full-epoch run.
        assertTrue(r.getTestAccuracy() >= 0 && r.getTestAccuracy() <= 1, "accuracy " + r.getTestAccuracy());
        assertTrue(r.getImagesPerSecond() > 0);
        ModelSetting fmnist = new ModelSetting(Backbone.AUTOST, 28, 1, 4, 10, 4, 32);
        assertEquals(new CostModel(fmnist).params(GENOME), r.getParams());
        assertTrue(
                r.getFiringRatesMap().containsKey("blocks.0.mlp.lif1"),
                r.getFiringRatesMap().toString());
        List<ConsumerRecord<byte[], byte[]>> progress = progress("it-ok/", l -> l.size() >= 2);
        assertEquals(List.of(1, 2), epochs(progress));
        List<ConsumerRecord<byte[], byte[]>> dead = read(Topics.DEAD_LETTERS, "junk-ok/", l -> l.size() >= 2);
        assertEquals("trainer", DeadLetter.parseFrom(dead.get(0).value()).getService());
        String reason = "";
        for (ConsumerRecord<byte[], byte[]> d : dead) {
            if (new String(d.key(), StandardCharsets.UTF_8).endsWith("/traversal")) {
                reason = DeadLetter.parseFrom(d.value()).getReason();
            }
        }
        assertTrue(reason.startsWith("experiment_id must be"), reason);
        assertTrue(
                !java.nio.file.Files.exists(checkpoints.getParent().resolve(GENOME.hash())),
                "nothing outside the root");
        vertx.undeploy(vertx.deploymentIDs().iterator().next())
                .toCompletionStage()
                .toCompletableFuture()
                .get(60, TimeUnit.SECONDS);
    }

    @Test
    void divergingRun_publishesFailedResult_andTheWorkerTakesTheNextJob() throws Exception {
        TrainerConfig diverging = config(
                "t-nan",
                "it-nan",
                Recipe.SHORT.toBuilder()
                        .optLearningRate(1e12f)
                        .optWarmupEpochs(0)
                        .build());
        String id = deploy(new TrainerVerticle(diverging));
        send("it-nan-a/" + GENOME.hash(), request("it-nan-a", 1).toByteArray());
        send("it-nan-b/" + GENOME.hash(), request("it-nan-b", 1).toByteArray());
        TrainResult a = TrainResult.parseFrom(read(Topics.TRAIN_RESULTS, "it-nan-a/", l -> !l.isEmpty())
                .get(0)
                .value());
        TrainResult b = TrainResult.parseFrom(read(Topics.TRAIN_RESULTS, "it-nan-b/", l -> !l.isEmpty())
                .get(0)
                .value());
        assertEquals(TrainResult.Status.FAILED, a.getStatus());
        assertTrue(a.getFailureReason().startsWith("diverged"), a.getFailureReason());
        assertEquals(TrainResult.Status.FAILED, b.getStatus(), "the second job ran after the first failed");
        vertx.undeploy(id).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }

    @Test
    void workerStoppedMidJob_requestIsRedelivered_andResumedToTheUninterruptedModel() throws Exception {
        String first = deploy(new TrainerVerticle(config("t-a", "it-resume")));
        send("it-resume/" + GENOME.hash(), request("it-resume", 3).toByteArray());
        progress("it-resume/", l -> !l.isEmpty()); // epoch 1 done and checkpointed
        vertx.undeploy(first).toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);

        String second = deploy(new TrainerVerticle(config("t-b", "it-resume")));
        TrainResult r = TrainResult.parseFrom(read(Topics.TRAIN_RESULTS, "it-resume/", l -> !l.isEmpty())
                .get(0)
                .value());
        assertEquals(TrainResult.Status.OK, r.getStatus(), r.getFailureReason());
        assertEquals("t-b", r.getWorkerId());
        // Epochs 1..3 each reported once: the second worker started at epoch 2, not from scratch.
        List<Integer> epochs = epochs(progress("it-resume/", l -> l.size() >= 3));
        assertTrue(epochs.get(0) == 1 && !epochs.subList(1, epochs.size()).contains(1), "epochs reported: " + epochs);
        assertEquals(3, (int) epochs.get(epochs.size() - 1));

        // The same request trained without interruption gives the same model: the resumed worker
        // measured the proxies (forward passes) before loading the checkpoint, and must still
        // train and evaluate the loaded weights.
        send("it-straight/" + GENOME.hash(), request("it-straight", 3).toByteArray());
        TrainResult straight = TrainResult.parseFrom(read(Topics.TRAIN_RESULTS, "it-straight/", l -> !l.isEmpty())
                .get(0)
                .value());
        assertEquals(TrainResult.Status.OK, straight.getStatus(), straight.getFailureReason());
        assertEquals("", straight.getReusedFrom(), "the reference was trained, not reused");
        assertEquals(straight.getTrainLoss(), r.getTrainLoss(), "train loss, uninterrupted vs resumed");
        assertEquals(straight.getTestAccuracy(), r.getTestAccuracy(), "test accuracy, uninterrupted vs resumed");
        assertEquals(straight.getProxiesMap(), r.getProxiesMap());
        vertx.undeploy(second).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }

    /**
     * {@code --concurrency 2}: two jobs at once in one process (one group member, one libtorch,
     * shared datasets) train two requests, each to exactly what one worker alone gives for the
     * same request.
     */
    @Test
    void twoWorkersInOneProcess_eachResultEqualsTheSoloWorkers() throws Exception {
        Genome other = new Genome(1, List.of(4.0), List.of(2), 32, 0);
        List<String> ids = new ArrayList<>();
        for (TrainerVerticle w : TrainerVerticle.workers(
                config("t-k", "it-k").withConcurrency(2),
                java.time.Clock.systemUTC(),
                dev.autost.observability.AutostMeters.noop())) {
            ids.add(deploy(w));
        }
        send("it-k-a/" + GENOME.hash(), request("it-k-a", 2).toByteArray());
        send("it-k-b/" + other.hash(), request("it-k-b", other, 2).toByteArray());
        TrainResult a = firstResult("it-k-a/");
        TrainResult b = firstResult("it-k-b/");
        for (String id : ids) {
            vertx.undeploy(id).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
        }
        assertEquals(List.of("t-k", "t-k"), List.of(a.getWorkerId(), b.getWorkerId()), "one member, two slots");

        String solo = deploy(new TrainerVerticle(config("t-solo", "it-k")));
        send("it-solo-a/" + GENOME.hash(), request("it-solo-a", 2).toByteArray());
        send("it-solo-b/" + other.hash(), request("it-solo-b", other, 2).toByteArray());
        for (TrainResult[] pair : List.of(
                new TrainResult[] {a, firstResult("it-solo-a/")}, new TrainResult[] {b, firstResult("it-solo-b/")})) {
            assertEquals(TrainResult.Status.OK, pair[0].getStatus(), pair[0].getFailureReason());
            assertEquals(pair[1].getTrainLoss(), pair[0].getTrainLoss(), "train loss, concurrent vs solo");
            assertEquals(pair[1].getTestAccuracy(), pair[0].getTestAccuracy(), "accuracy, concurrent vs solo");
            assertEquals(pair[1].getProxiesMap(), pair[0].getProxiesMap(), "proxies, concurrent vs solo");
        }
        vertx.undeploy(solo).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }

    /**
     * Three one-shot trainers (one request each, as KEDA's Jobs) with all the lag on one
     * partition: the two that join while the first trains keep off its partition (on Kafka's own
     * assignors one could take it and train the request again from the committed offset), each
     * request is trained once, and every trainer ends; one with nothing to do ends at its idle exit.
     */
    @Test
    void threeOneShotTrainers_lagOnOnePartition_eachRequestTrainedOnce_everyTrainerEnds() throws Exception {
        Genome second = new Genome(1, List.of(4.0), List.of(2), 32, 0);
        Genome third = new Genome(1, List.of(3.0), List.of(4), 32, 0);
        try (KafkaProducer<byte[], byte[]> p = KafkaClients.producer(bootstrap, "it-once-requests")) {
            int i = 0;
            for (Genome g : List.of(GENOME, second, third)) {
                p.send(new ProducerRecord<>(
                                Topics.TRAIN_REQUESTS,
                                0,
                                ("it-once/" + g.hash()).getBytes(StandardCharsets.UTF_8),
                                request("it-once", g, i++ == 0 ? 8 : 1).toByteArray()))
                        .get();
            }
        }
        java.util.function.Function<String, TrainerVerticle> oneShot = id ->
                new TrainerVerticle(config(id, "it-once").withMaxRequests(1).withIdleExit(Duration.ofSeconds(120)));
        // Named so that the later ones sort first, as member ids are ordered by assignors.
        TrainerVerticle first = oneShot.apply("t-3");
        deploy(first);
        progress("it-once/", l -> !l.isEmpty()); // its first epoch is done
        TrainerVerticle[] later = {oneShot.apply("t-2"), oneShot.apply("t-1")};
        for (TrainerVerticle t : later) {
            deploy(t);
        }
        for (TrainerVerticle t : List.of(first, later[0], later[1])) {
            t.done().get(4, TimeUnit.MINUTES);
        }
        List<ConsumerRecord<byte[], byte[]>> results =
                read(Topics.TRAIN_RESULTS, "it-once/", l -> false, Duration.ofSeconds(2));
        List<String> keys = results.stream()
                .map(r -> new String(r.key(), StandardCharsets.UTF_8))
                .sorted()
                .toList();
        assertEquals(
                java.util.stream.Stream.of(GENOME, second, third)
                        .map(g -> "it-once/" + g.hash())
                        .sorted()
                        .toList(),
                keys,
                "one result per request");
        for (ConsumerRecord<byte[], byte[]> r : results) {
            TrainResult t = TrainResult.parseFrom(r.value());
            assertEquals(TrainResult.Status.OK, t.getStatus(), t.getFailureReason());
            assertTrue(t.getReusedFrom().isEmpty(), "trained, not reused from a second training");
        }
        assertEquals(
                "t-3",
                TrainResult.parseFrom(results.stream()
                                .filter(r -> new String(r.key(), StandardCharsets.UTF_8).endsWith(GENOME.hash()))
                                .findFirst()
                                .orElseThrow()
                                .value())
                        .getWorkerId(),
                "the first request stayed with the trainer that started it");
        assertCommitted("it-once", 3, "every request committed");

        // A fourth, with nothing left to train, ends at its idle exit instead of polling for ever.
        TrainerVerticle idle = new TrainerVerticle(
                config("t-idle", "it-once").withMaxRequests(1).withIdleExit(Duration.ofSeconds(3)));
        deploy(idle);
        idle.done().get(60, TimeUnit.SECONDS);
        assertTrue(idle.endedIdle(), "ended for want of work");
        assertEquals(0, idle.handled());
    }

    /**
     * A genome over the worker's memory budget fails before its model is built, and the request is
     * committed: it is not redelivered to the next worker of the group.
     */
    @Test
    void genomeOverTheMemoryBudget_failsWithTheReason_andIsCommitted() throws Exception {
        TrainerConfig tight = config("t-mem", "it-mem")
                .withMemoryBudget(dev.autost.models.train.MemoryEstimate.BASE_BYTES + (1L << 20));
        var meters = new dev.autost.observability.AutostMeters(
                new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
        String id = deploy(new TrainerVerticle(tight, java.time.Clock.systemUTC(), meters));
        send("it-mem/" + GENOME.hash(), request("it-mem", 1).toByteArray());
        TrainResult r = firstResult("it-mem/");
        assertEquals(TrainResult.Status.FAILED, r.getStatus());
        assertTrue(r.getFailureReason().startsWith("memory guard: training needs an estimated"), r.getFailureReason());
        assertCommitted("it-mem", 1, "the refused request is committed");
        assertEquals(1.0, meters.trainerResults("failed").count(), "counted for the trainings-failing alert");
        assertEquals(0.0, meters.trainerResults("ok").count());
        vertx.undeploy(id).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }

    /**
     * A job that ended its process {@value JobAttempts#MAX} times (three starts counted, none
     * ended, as three OOM kills leave them) is given up with a committed FAILED result instead of
     * coming back on every restart; a job that ends normally leaves no count behind.
     */
    @Test
    void jobThatKilledItsProcessThreeTimes_failsWithTheReason_andIsCommitted() throws Exception {
        java.nio.file.Path dir = checkpoints.resolve("it-crash").resolve(GENOME.hash());
        java.nio.file.Files.createDirectories(dir);
        java.nio.file.Files.writeString(dir.resolve(JobAttempts.FILE), "3");
        String id = deploy(new TrainerVerticle(config("t-crash", "it-crash")));
        send("it-crash/" + GENOME.hash(), request("it-crash", 1).toByteArray());
        TrainResult r = firstResult("it-crash/");
        assertEquals(TrainResult.Status.FAILED, r.getStatus());
        assertTrue(r.getFailureReason().startsWith("gave up after 3 attempts"), r.getFailureReason());
        assertCommitted("it-crash", 1, "the given-up request is committed");

        send("it-fine/" + GENOME.hash(), request("it-fine", 1).toByteArray());
        TrainResult fine = firstResult("it-fine/");
        assertEquals(TrainResult.Status.OK, fine.getStatus(), fine.getFailureReason());
        assertTrue(java.nio.file.Files.exists(checkpoints.resolve("it-fine").resolve(GENOME.hash())));
        assertTrue(
                !java.nio.file.Files.exists(
                        checkpoints.resolve("it-fine").resolve(GENOME.hash()).resolve(JobAttempts.FILE)),
                "a finished job leaves no attempt count");
        vertx.undeploy(id).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }

    /**
     * A stop reaches the trainers: the running training of a stopped experiment ends after its
     * epoch, its waiting requests are committed untrained, and the worker goes on with other
     * experiments' requests.
     */
    @Test
    void stoppedExperiment_runningTrainingEndsAfterItsEpoch_waitingRequestSkipped_bothCommitted() throws Exception {
        String id = deploy(new TrainerVerticle(config("t-stop", "it-stop")));
        send("it-stop/" + GENOME.hash(), request("it-stop", 20).toByteArray());
        progress("it-stop/", l -> !l.isEmpty());
        Genome other = new Genome(1, List.of(3.0), List.of(4), 32, 0);
        send("it-stop/" + other.hash(), request("it-stop", other, 1).toByteArray());
        try (KafkaProducer<byte[], byte[]> p = KafkaClients.producer(bootstrap, "it-stop-spec")) {
            ExperimentSpec stop = ExperimentSpec.newBuilder()
                    .setSchemaVersion(dev.autost.proto.SchemaVersions.CURRENT)
                    .setExperimentId("it-stop")
                    .putOptions(dev.autost.messaging.codec.ExperimentPlan.STOPPED_OPTION, "true")
                    .build();
            p.send(new ProducerRecord<>(
                            Topics.EXPERIMENTS, "it-stop".getBytes(StandardCharsets.UTF_8), stop.toByteArray()))
                    .get();
        }
        send("it-after/" + GENOME.hash(), request("it-after", 1).toByteArray());
        TrainResult after = firstResult("it-after/");
        assertEquals(TrainResult.Status.OK, after.getStatus(), after.getFailureReason());
        assertCommitted("it-stop", 3, "the stopped training, the skipped request and the next one");
        assertTrue(
                read(Topics.TRAIN_RESULTS, "it-stop/", l -> false, Duration.ofSeconds(1))
                        .isEmpty(),
                "no result for the stopped experiment");
        List<Integer> trained = epochs(progress("it-stop/", l -> false, Duration.ofSeconds(1)));
        assertTrue(trained.stream().allMatch(e -> e < 20), "ended before its 20 epochs: " + trained);
        vertx.undeploy(id).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }

    /**
     * A checkpoint this build cannot read (an older format, a torn file) failed the request for
     * good; it is set aside and the job trains from epoch 0.
     */
    @Test
    void unreadableCheckpoint_setAside_jobTrainsFromTheStart() throws Exception {
        java.nio.file.Path dir = checkpoints.resolve("it-torn").resolve(GENOME.hash());
        java.nio.file.Files.createDirectories(dir);
        java.nio.file.Files.writeString(dir.resolve("checkpoint.bin"), "not a checkpoint");
        String id = deploy(new TrainerVerticle(config("t-torn", "it-torn")));
        send("it-torn/" + GENOME.hash(), request("it-torn", 1).toByteArray());
        TrainResult r = firstResult("it-torn/");
        assertEquals(TrainResult.Status.OK, r.getStatus(), r.getFailureReason());
        assertTrue(java.nio.file.Files.exists(dir.resolve("checkpoint.bin.unreadable")), "kept for a look");
        vertx.undeploy(id).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }

    /**
     * A checkpoint that cannot be written (a full volume) made a committed FAILED result; the job
     * is tried again, uncommitted, and trains once the volume takes the checkpoint.
     */
    @Test
    void checkpointWriteFails_jobRetriedUncommitted_trainsOnceItCanWrite() throws Exception {
        java.nio.file.Path dir = checkpoints.resolve("it-full").resolve(GENOME.hash());
        java.nio.file.Path blocker = java.nio.file.Files.createDirectories(dir.resolve("checkpoint.bin"));
        java.nio.file.Files.writeString(blocker.resolve("keep"), "a directory where the file goes");
        String id = deploy(new TrainerVerticle(config("t-full", "it-full")));
        send("it-full/" + GENOME.hash(), request("it-full", 1).toByteArray());
        assertTrue(
                read(Topics.TRAIN_RESULTS, "it-full/", l -> false, Duration.ofSeconds(15))
                        .isEmpty(),
                "no FAILED result for a volume that cannot take the checkpoint");
        assertCommitted("it-full", 0, "not committed while it cannot write");
        java.nio.file.Files.delete(blocker.resolve("keep"));
        java.nio.file.Files.delete(blocker);
        TrainResult r = firstResult("it-full/");
        assertEquals(TrainResult.Status.OK, r.getStatus(), r.getFailureReason());
        assertCommitted("it-full", 1, "committed with its result");
        vertx.undeploy(id).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }

    private static void assertCommitted(String group, long expected, String what) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            long committed = 0;
            for (int attempt = 0; attempt < 100 && committed < expected; attempt++) {
                committed = admin
                        .listConsumerGroupOffsets(group)
                        .partitionsToOffsetAndMetadata()
                        .get(30, TimeUnit.SECONDS)
                        .values()
                        .stream()
                        .filter(java.util.Objects::nonNull)
                        .mapToLong(org.apache.kafka.clients.consumer.OffsetAndMetadata::offset)
                        .sum();
                Thread.sleep(100);
            }
            assertEquals(expected, committed, what);
        }
    }

    private static TrainResult firstResult(String prefix) throws Exception {
        return TrainResult.parseFrom(
                read(Topics.TRAIN_RESULTS, prefix, l -> !l.isEmpty()).get(0).value());
    }

    /**
     * The epoch-end progress records of keys starting with {@code prefix}, until {@code until}
     * holds for them. A step's progress (at most one per PROGRESS_INTERVAL) is left out: on a slow
     * machine an epoch of these tests outlasts the interval, and its step record came between the
     * epochs' ones.
     */
    private static List<ConsumerRecord<byte[], byte[]>> progress(
            String prefix, Predicate<List<ConsumerRecord<byte[], byte[]>>> until) {
        return progress(prefix, until, Duration.ofMinutes(4));
    }

    private static List<ConsumerRecord<byte[], byte[]>> progress(
            String prefix, Predicate<List<ConsumerRecord<byte[], byte[]>>> until, Duration wait) {
        List<ConsumerRecord<byte[], byte[]>> all =
                read(Topics.TRAIN_PROGRESS, prefix, l -> until.test(epochEnds(l)), wait);
        return epochEnds(all);
    }

    private static List<ConsumerRecord<byte[], byte[]>> epochEnds(List<ConsumerRecord<byte[], byte[]>> records) {
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            try {
                if (TrainProgress.parseFrom(r.value()).getSteps() == 0) {
                    out.add(r);
                }
            } catch (com.google.protobuf.InvalidProtocolBufferException e) {
                throw new IllegalStateException(e);
            }
        }
        return out;
    }

    private static List<Integer> epochs(List<ConsumerRecord<byte[], byte[]>> records) throws Exception {
        List<Integer> out = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            out.add(TrainProgress.parseFrom(r.value()).getEpoch());
        }
        return out;
    }

    @Test
    void sameTrainingForAnotherExperiment_isReusedNotTrainedAgain() throws Exception {
        deploy(new TrainerVerticle(config("t-reuse", "it-reuse").withReuseTrainings(true)));
        send("reuse-a/" + GENOME.hash(), request("reuse-a", 1).toByteArray());
        TrainResult a = TrainResult.parseFrom(
                read(Topics.TRAIN_RESULTS, "reuse-a/", l -> !l.isEmpty()).get(0).value());
        assertEquals(TrainResult.Status.OK, a.getStatus(), a.getFailureReason());
        assertEquals("", a.getReusedFrom());
        assertEquals(16, a.getTrainingKey().length(), a.getTrainingKey());

        send("reuse-b/" + GENOME.hash(), request("reuse-b", 1).toByteArray());
        send("reuse-c/" + GENOME.hash(), request("reuse-c", 2).toByteArray()); // another recipe: 2 epochs
        TrainResult b = TrainResult.parseFrom(
                read(Topics.TRAIN_RESULTS, "reuse-b/", l -> !l.isEmpty()).get(0).value());
        TrainResult c = TrainResult.parseFrom(
                read(Topics.TRAIN_RESULTS, "reuse-c/", l -> !l.isEmpty()).get(0).value());
        assertEquals("reuse-a", b.getReusedFrom());
        assertEquals("reuse-b", b.getExperimentId());
        assertEquals(a.getTrainingKey(), b.getTrainingKey());
        assertEquals(a.getTestAccuracy(), b.getTestAccuracy());
        assertEquals("", c.getReusedFrom(), "2 epochs are another training");
        assertTrue(!c.getTrainingKey().equals(a.getTrainingKey()));
        // reuse-b was never trained: the only progress of this genome is reuse-a's and reuse-c's.
        List<ConsumerRecord<byte[], byte[]>> progress =
                // Every record, a step's too: any of reuse-b's would mean it trained.
                read(Topics.TRAIN_PROGRESS, "reuse-", l -> l.stream().anyMatch(r -> keyOf(r).startsWith("reuse-c/")));
        assertTrue(progress.stream().noneMatch(r -> keyOf(r).startsWith("reuse-b/")), "reuse-b trained nothing");
    }

    /**
     * The replay trainer: a rung and the top of the table's schedule come back with the table's
     * figures for those epochs, marked replayed, with progress per epoch; a genome the table lacks
     * is FAILED naming why. Nothing is trained (no checkpoint folder is made).
     */
    @Test
    void replayTrainer_answersFromTheTable_genomeItLacksFailedNamingWhy(@TempDir Path dir) throws Exception {
        Path table = dir.resolve("table.csv");
        java.util.Map<String, Double> metrics = new java.util.LinkedHashMap<>();
        for (String m : dev.autost.domain.benchmark.BenchmarkTable.METRICS) {
            metrics.put(m, 1000.0 + m.length());
        }
        dev.autost.domain.benchmark.BenchmarkTable.append(
                table,
                new dev.autost.domain.benchmark.TableRow(
                        GENOME, metrics, 1, List.of(0.4, 0.55), List.of(2.0, 1.6), List.of(0.3, 0.5), 80, 90));
        java.nio.file.Files.writeString(
                dir.resolve("recipe.json"),
                "{\"space\":\"fashion-table\",\"dataset\":\"fashion-mnist\",\"epochs\":2,"
                        + "\"backbone\":\"autost\",\"time_steps\":4,\"seed\":1}");
        deploy(new TrainerVerticle(config("t-replay", "it-replay")
                .withReplay(java.util.Optional.of(
                        dev.autost.domain.benchmark.TableReplay.load(table, java.time.Duration.ZERO)))));
        send(
                "replay-rung/" + GENOME.hash(),
                request("replay-rung", 1).toBuilder()
                        .setScheduleEpochs(2)
                        .build()
                        .toByteArray());
        send("replay-top/" + GENOME.hash(), request("replay-top", 2).toByteArray());
        Genome other = new Genome(1, List.of(4.0), List.of(2), 32, 0);
        send("replay-other/" + other.hash(), request("replay-other", other, 2).toByteArray());
        TrainResult rung = firstResult("replay-rung/");
        assertEquals(TrainResult.Status.OK, rung.getStatus(), rung.getFailureReason());
        assertEquals(0.4, rung.getTestAccuracy());
        assertEquals(List.of(2.0), rung.getEpochTrainLossesList());
        assertTrue(rung.getReplayedFromTable().contains("fashion-table"), rung.getReplayedFromTable());
        TrainResult top = firstResult("replay-top/");
        assertEquals(0.55, top.getTestAccuracy());
        assertEquals(List.of(0.4, 0.55), top.getEpochTestAccuraciesList());
        assertEquals(1.6, top.getTrainLoss());
        assertEquals(1004.0, top.getProxiesOrThrow("sahd"));
        TrainResult missing = firstResult("replay-other/");
        assertEquals(TrainResult.Status.FAILED, missing.getStatus());
        assertTrue(missing.getFailureReason().contains("is not in the table"), missing.getFailureReason());
        assertEquals(List.of(1, 2), epochs(progress("replay-top/", l -> l.size() >= 2)));
        assertTrue(!java.nio.file.Files.exists(checkpoints.resolve("replay-top")), "nothing trained");
    }

    /**
     * Successive halving: a rung of 1 epoch on a 2-epoch schedule, then its promotion to 2 epochs
     * under the same key, continue one run (epoch 1 is not trained again) and give exactly the
     * straight 2-epoch training, which has the same training key.
     */
    @Test
    void promotedRequest_continuesItsRungFromTheCheckpoint() throws Exception {
        deploy(new TrainerVerticle(config("t-rung", "it-rung")));
        send(
                "rung/" + GENOME.hash(),
                request("rung", 1).toBuilder().setScheduleEpochs(2).build().toByteArray());
        TrainResult first = firstResult("rung/");
        assertEquals(TrainResult.Status.OK, first.getStatus(), first.getFailureReason());
        assertEquals(1, first.getEpochs());
        assertEquals(List.of(first.getTestAccuracy()), first.getEpochTestAccuraciesList());

        send(
                "rung/" + GENOME.hash(),
                request("rung", 2).toBuilder().setScheduleEpochs(2).build().toByteArray());
        TrainResult promoted = TrainResult.parseFrom(
                read(Topics.TRAIN_RESULTS, "rung/", l -> l.size() >= 2).get(1).value());
        assertEquals(TrainResult.Status.OK, promoted.getStatus(), promoted.getFailureReason());
        assertEquals(2, promoted.getEpochs());
        assertEquals(2, promoted.getEpochTestAccuraciesCount());
        assertEquals(first.getTestAccuracy(), promoted.getEpochTestAccuracies(0), "epoch 1 is the rung's");
        List<Integer> closedEpochs = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : progress("rung/", l -> l.size() >= 2)) {
            TrainProgress p = TrainProgress.parseFrom(r.value());
            if (p.getStep() == 0) {
                closedEpochs.add(p.getEpoch());
            }
        }
        assertEquals(List.of(1, 2), closedEpochs, "each epoch trained once");

        send("rung-straight/" + GENOME.hash(), request("rung-straight", 2).toByteArray());
        TrainResult straight = firstResult("rung-straight/");
        assertEquals(TrainResult.Status.OK, straight.getStatus(), straight.getFailureReason());
        assertEquals("", straight.getReusedFrom(), "this worker does not reuse: trained again");
        assertEquals(straight.getEpochTestAccuraciesList(), promoted.getEpochTestAccuraciesList());
        assertEquals(straight.getTrainLoss(), promoted.getTrainLoss());
        assertEquals(straight.getTrainingKey(), promoted.getTrainingKey(), "the same training");
    }

    private static String keyOf(ConsumerRecord<byte[], byte[]> r) {
        return new String(r.key(), StandardCharsets.UTF_8);
    }
}
