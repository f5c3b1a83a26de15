package dev.autost.evaluator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.autost.messaging.DeadLetters;
import dev.autost.messaging.Topics;
import dev.autost.proto.SchemaVersions;
import dev.autost.proto.v1.Report;
import dev.autost.proto.v1.Score;
import dev.autost.proto.v1.TrainResult;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

class EvaluatorHandlerTest {
    private long offset;

    private ConsumerRecord<byte[], byte[]> in(String topic, String key, byte[] value) {
        return new ConsumerRecord<>(topic, 0, offset++, key.getBytes(StandardCharsets.UTF_8), value);
    }

    /**
     * The genome a test calls by a letter: one-block networks of width 8, 16, 24... so each
     * letter is a distinct real genome (the evaluator checks genomes against their hash).
     */
    private static dev.autost.domain.genome.Genome genome(String letter) {
        return dev.autost.domain.genome.Genome.uniform(1, 4, 1, 8 * (letter.charAt(0) - 'a' + 1));
    }

    /** The real genome hash of a letter. */
    private static String h(String letter) {
        return genome(letter).hash();
    }

    private static List<String> h(List<String> letters) {
        return letters.stream().map(EvaluatorHandlerTest::h).toList();
    }

    private static byte[] score(String hash, double flops, long seq) {
        return Score.newBuilder()
                .setSchemaVersion(SchemaVersions.CURRENT)
                .setExperimentId("e")
                .setGenomeHash(h(hash))
                .setGenome(dev.autost.messaging.codec.GenomeMessages.toProto(genome(hash)))
                .setFlopsSyops(flops)
                .setSequence(seq)
                .build()
                .toByteArray();
    }

    private static byte[] searchDone(int trainExpected) {
        return Report.newBuilder()
                .setSchemaVersion(SchemaVersions.CURRENT)
                .setExperimentId("e")
                .setSource("sampler")
                .setPhase(Report.Phase.SEARCH_DONE)
                .setTrainExpected(trainExpected)
                .build()
                .toByteArray();
    }

    private static byte[] result(String hash, double acc) {
        return TrainResult.newBuilder()
                .setSchemaVersion(SchemaVersions.CURRENT)
                .setExperimentId("e")
                .setGenomeHash(h(hash))
                .setStatus(TrainResult.Status.OK)
                .setTestAccuracy(acc)
                .build()
                .toByteArray();
    }

    /** Scores of candidates a, b, c... with these flops, in that ask order. */
    private void scored(EvaluatorHandler h, double... flops) {
        for (int i = 0; i < flops.length; i++) {
            String hash = String.valueOf((char) ('a' + i));
            h.onRecord(in(Topics.SCORES, "e/" + hash, score(hash, flops[i], i)), false);
        }
    }

    private static EvaluatorHandler handler() {
        EvaluatorHandler h = new EvaluatorHandler(new DeadLetters(EvaluatorHandler.SERVICE, Clock.systemUTC()));
        h.onCaughtUp();
        return h;
    }

    @Test
    void searchDoneWithoutTraining_finishesAtOnceWithTheLeaderboard() throws Exception {
        EvaluatorHandler h = handler();
        scored(h, 10, 30, 30);
        assertFinishedWithBCA(h.onRecord(in(Topics.REPORTS, "e", searchDone(0)), false));
        assertTrue(h.onRecord(in(Topics.REPORTS, "e", searchDone(0)), false).isEmpty(), "finishes once");
    }

    /** The one final report: FINISHED, 3 scored, b, c and a in that order (flops 30, 20 or 30, 10). */
    private static void assertFinishedWithBCA(List<ProducerRecord<byte[], byte[]>> out) throws Exception {
        assertEquals(1, out.size());
        assertEquals(Topics.evaluationKey("e"), new String(out.get(0).key(), StandardCharsets.UTF_8));
        Report r = Report.parseFrom(out.get(0).value());
        assertEquals(Report.Phase.FINISHED, r.getPhase());
        assertEquals(3, r.getCandidatesScored());
        assertEquals(
                h(List.of("b", "c", "a")),
                r.getTopList().stream().map(x -> x.getGenomeHash()).toList());
    }

    @Test
    void searchDoneReadBeforeItsLastScores_finishesAtTheLastScoreWithAllOfThem() throws Exception {
        EvaluatorHandler h = handler();
        scored(h, 10, 30);
        byte[] done = Report.parseFrom(searchDone(0)).toBuilder()
                .setCandidatesScored(3)
                .build()
                .toByteArray();
        assertTrue(h.onRecord(in(Topics.REPORTS, "e", done), false).isEmpty(), "a score is still to come");
        assertFinishedWithBCA(h.onRecord(in(Topics.SCORES, "e/c", score("c", 20, 2)), false));
    }

    @Test
    void samplerReportsFailed_evaluationEndsFailedWithTheReason_onceAcrossRestarts() throws Exception {
        byte[] failed = Report.newBuilder()
                .setSchemaVersion(SchemaVersions.CURRENT)
                .setExperimentId("e")
                .setSource("sampler")
                .setPhase(Report.Phase.FAILED)
                .setFailureReason("space.constraints: too few feasible candidates")
                .build()
                .toByteArray();
        EvaluatorHandler h = handler();
        List<ProducerRecord<byte[], byte[]>> out = h.onRecord(in(Topics.REPORTS, "e", failed), false);
        assertEquals(1, out.size());
        Report r = Report.parseFrom(out.get(0).value());
        assertEquals(Report.Phase.FAILED, r.getPhase());
        assertEquals("space.constraints: too few feasible candidates", r.getFailureReason());

        // Not yet reported when the evaluator was down: reported after the replay, once.
        EvaluatorHandler down = new EvaluatorHandler(new DeadLetters(EvaluatorHandler.SERVICE, Clock.systemUTC()));
        down.onRecord(in(Topics.REPORTS, "e", failed), true);
        assertEquals(
                Report.Phase.FAILED,
                Report.parseFrom(down.onCaughtUp().get(0).value()).getPhase());
        EvaluatorHandler again = new EvaluatorHandler(new DeadLetters(EvaluatorHandler.SERVICE, Clock.systemUTC()));
        again.onRecord(in(Topics.REPORTS, "e", failed), true);
        again.onRecord(in(Topics.REPORTS, Topics.evaluationKey("e"), out.get(0).value()), true);
        assertTrue(again.onCaughtUp().isEmpty());
    }

    @Test
    void training_finishesWhenEveryExpectedResultArrived_andRanksByAccuracy() throws Exception {
        EvaluatorHandler h = handler();
        scored(h, 10, 30);
        assertTrue(h.onRecord(in(Topics.REPORTS, "e", searchDone(2)), false).isEmpty());
        Report partial = Report.parseFrom(h.onRecord(in(Topics.TRAIN_RESULTS, "e/b", result("b", 0.80)), false)
                .get(0)
                .value());
        assertEquals(Report.Phase.SEARCH_DONE, partial.getPhase());
        assertEquals(1, partial.getTrained());
        Report done = Report.parseFrom(h.onRecord(in(Topics.TRAIN_RESULTS, "e/a", result("a", 0.85)), false)
                .get(0)
                .value());
        assertEquals(Report.Phase.FINISHED, done.getPhase());
        assertEquals(h("a"), done.getTop(0).getGenomeHash());
        assertEquals(0.85, done.getTop(0).getTestAccuracy());
        // Two trained: a has lower flops and higher accuracy -> every correlation with flops is -1.
        var flops = done.getCorrelationsList().stream()
                .filter(c -> c.getMetric().equals("flops_syops"))
                .findFirst()
                .orElseThrow();
        assertEquals(2, flops.getN());
        assertEquals(-1.0, flops.getKendallTauB(), 1e-12);
        assertEquals(-1.0, flops.getSpearmanRho(), 1e-12);
        assertEquals(
                java.util.Set.of("energy_pj", "flops_full", "flops_syops", "params"),
                done.getCorrelationsList().stream()
                        .map(c -> c.getMetric())
                        .collect(java.util.stream.Collectors.toSet()));
    }

    /**
     * A result redelivered after the FINISHED report (a trainer that died between producing its
     * result and committing trains again) used to republish the report with the search's phase,
     * SEARCH_DONE, so the experiment showed as unfinished again for good.
     */
    @Test
    void resultAfterTheFinalReport_ignored_theExperimentStaysFinished() throws Exception {
        EvaluatorHandler h = handler();
        scored(h, 10, 30);
        h.onRecord(in(Topics.REPORTS, "e", searchDone(1)), false);
        List<ProducerRecord<byte[], byte[]>> done =
                h.onRecord(in(Topics.TRAIN_RESULTS, "e/b", result("b", 0.80)), false);
        assertEquals(
                Report.Phase.FINISHED, Report.parseFrom(done.get(0).value()).getPhase());
        assertEquals(0, h.held(), "a finished experiment's leaderboard is dropped");

        assertTrue(h.onRecord(in(Topics.TRAIN_RESULTS, "e/b", result("b", 0.81)), false)
                .isEmpty());
        assertTrue(h.onRecord(in(Topics.SCORES, "e/c", score("c", 5, 9)), false).isEmpty());
        assertTrue(h.onRecord(in(Topics.REPORTS, "e", searchDone(1)), false).isEmpty());
    }

    /** At a restart the final report (read first) makes the experiment's other records skipped. */
    @Test
    void replay_experimentWithAStoredFinalReport_holdsNothingAndPublishesNothing() throws Exception {
        EvaluatorHandler first = handler();
        scored(first, 10, 30);
        byte[] finished = first.onRecord(in(Topics.REPORTS, "e", searchDone(0)), false)
                .get(0)
                .value();

        EvaluatorHandler h = new EvaluatorHandler(new DeadLetters(EvaluatorHandler.SERVICE, Clock.systemUTC()));
        assertEquals(List.of(Topics.REPORTS), h.replayFirst());
        h.onRecord(in(Topics.REPORTS, "e", searchDone(0)), true);
        h.onRecord(in(Topics.REPORTS, Topics.evaluationKey("e"), finished), true);
        h.onRecord(in(Topics.SCORES, "e/a", score("a", 10, 0)), true);
        h.onRecord(in(Topics.SCORES, "e/b", new byte[] {1, 2, 3}), true); // not even decoded
        assertEquals(0, h.held());
        assertTrue(h.onCaughtUp().isEmpty());
    }

    private static byte[] halvingReport(int expected, int epochsRequested, boolean open) throws Exception {
        return Report.parseFrom(searchDone(expected)).toBuilder()
                .setTrainingOpen(open)
                .setTrainEpochsRequested(epochsRequested)
                .build()
                .toByteArray();
    }

    private static byte[] result(String hash, double acc, int epochs) throws Exception {
        return TrainResult.parseFrom(result(hash, acc)).toBuilder()
                .setEpochs(epochs)
                .build()
                .toByteArray();
    }

    /**
     * Successive halving: every entrant's first result is in long before the training ends; the
     * evaluator waits for the sampler to close the training and for the promoted candidate's
     * longer run, and ranks by that run's accuracy.
     */
    @Test
    void successiveHalving_finishesAfterTheTrainingClosesAndThePromotedRunArrives() throws Exception {
        EvaluatorHandler h = handler();
        scored(h, 10, 30, 20);
        h.onRecord(in(Topics.REPORTS, "e", halvingReport(3, 3, true)), false);
        h.onRecord(in(Topics.TRAIN_RESULTS, "e/a", result("a", 0.70, 1)), false);
        h.onRecord(in(Topics.TRAIN_RESULTS, "e/b", result("b", 0.60, 1)), false);
        List<ProducerRecord<byte[], byte[]>> out =
                h.onRecord(in(Topics.TRAIN_RESULTS, "e/c", result("c", 0.50, 1)), false);
        assertEquals(
                Report.Phase.SEARCH_DONE, Report.parseFrom(out.get(0).value()).getPhase(), "training open");
        // The sampler promotes a (1 -> 3 epochs), then closes before the evaluator reads a's result.
        h.onRecord(in(Topics.REPORTS, "e", halvingReport(3, 5, true)), false);
        out = h.onRecord(in(Topics.REPORTS, "e", halvingReport(3, 5, false)), false);
        assertTrue(
                out.isEmpty() || Report.parseFrom(out.get(0).value()).getPhase() != Report.Phase.FINISHED,
                "a's 3-epoch result is not in yet");
        Report done = Report.parseFrom(h.onRecord(in(Topics.TRAIN_RESULTS, "e/a", result("a", 0.80, 3)), false)
                .get(0)
                .value());
        assertEquals(Report.Phase.FINISHED, done.getPhase());
        assertEquals(h("a"), done.getTop(0).getGenomeHash());
        assertEquals(0.80, done.getTop(0).getTestAccuracy());
    }

    @Test
    void proxiesMeasuredByTheTrainer_areCorrelatedLikeScoreFields() throws Exception {
        EvaluatorHandler h = handler();
        scored(h, 10, 30, 20);
        h.onRecord(in(Topics.REPORTS, "e", searchDone(3)), false);
        h.onRecord(in(Topics.TRAIN_RESULTS, "e/a", withNaswot("a", 0.70, 100)), false);
        h.onRecord(in(Topics.TRAIN_RESULTS, "e/b", withNaswot("b", 0.80, 300)), false);
        Report done = Report.parseFrom(h.onRecord(in(Topics.TRAIN_RESULTS, "e/c", withNaswot("c", 0.90, 400)), false)
                .get(0)
                .value());
        var naswot = done.getCorrelationsList().stream()
                .filter(c -> c.getMetric().equals("naswot"))
                .findFirst()
                .orElseThrow();
        assertEquals(3, naswot.getN());
        assertEquals(1.0, naswot.getSpearmanRho(), 1e-12); // accuracy order a < b < c, naswot order too
        var flops = done.getCorrelationsList().stream()
                .filter(c -> c.getMetric().equals("flops_syops"))
                .findFirst()
                .orElseThrow();
        assertEquals(0.5, flops.getSpearmanRho(), 1e-12); // flops ranks 1, 3, 2 against 1, 2, 3
    }

    private static byte[] withNaswot(String hash, double acc, double naswot) {
        try {
            return TrainResult.parseFrom(result(hash, acc)).toBuilder()
                    .putProxies("naswot", naswot)
                    .build()
                    .toByteArray();
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void report_beforeTraining_paretoFrontIsOfTheScore() throws Exception {
        EvaluatorHandler h = handler();
        // (flops, energy, params): a (10, 1, 5), b (20, 3, 4), c (15, 4, 6)
        double[][] points = {{10, 1, 5}, {20, 3, 4}, {15, 4, 6}};
        for (int i = 0; i < points.length; i++) {
            String hash = String.valueOf((char) ('a' + i));
            Score s = Score.parseFrom(score(hash, points[i][0], i)).toBuilder()
                    .setEnergyPj(points[i][1])
                    .setParams((long) points[i][2])
                    .build();
            h.onRecord(in(Topics.SCORES, "e/" + hash, s.toByteArray()), false);
        }
        Report r = Report.parseFrom(
                h.onRecord(in(Topics.REPORTS, "e", searchDone(0)), false).get(0).value());
        assertEquals(h(List.of("b", "a")), r.getParetoEnergyList());
        assertEquals(h(List.of("b")), r.getParetoParamsList());
    }

    @Test
    void garbage_becomesADeadLetter() {
        EvaluatorHandler h = handler();
        for (String topic : List.of(Topics.SCORES, Topics.REPORTS, Topics.TRAIN_RESULTS)) {
            List<ProducerRecord<byte[], byte[]>> out =
                    h.onRecord(in(topic, "x", new byte[] {(byte) 0xff, 0x01}), false);
            assertEquals(Topics.DEAD_LETTERS, out.get(0).topic());
        }
    }

    /**
     * Found by the fuzz suite: a sampler report with a phase this build does not know was kept as
     * the experiment's search state, and every later train result of the experiment then failed
     * to report. Now such a report and a result with an unknown status are dead-lettered, and the
     * experiment finishes as usual.
     */
    @Test
    void unknownPhaseOrStatus_deadLetteredAndTheExperimentStillFinishes() throws Exception {
        EvaluatorHandler h = handler();
        scored(h, 10, 30);
        assertTrue(h.onRecord(in(Topics.REPORTS, "e", searchDone(1)), false).isEmpty());
        byte[] oddPhase = Report.parseFrom(searchDone(1)).toBuilder()
                .setPhaseValue(99)
                .build()
                .toByteArray();
        byte[] oddStatus = TrainResult.parseFrom(result("a", 0.5)).toBuilder()
                .setStatusValue(99)
                .build()
                .toByteArray();

        List<ProducerRecord<byte[], byte[]>> phase = h.onRecord(in(Topics.REPORTS, "e", oddPhase), false);
        List<ProducerRecord<byte[], byte[]>> status = h.onRecord(in(Topics.TRAIN_RESULTS, "e/a", oddStatus), false);

        assertEquals(Topics.DEAD_LETTERS, phase.get(0).topic());
        assertEquals(
                "report with unknown phase 99",
                dev.autost.proto.v1.DeadLetter.parseFrom(phase.get(0).value()).getReason());
        assertEquals(Topics.DEAD_LETTERS, status.get(0).topic());
        Report done = Report.parseFrom(h.onRecord(in(Topics.TRAIN_RESULTS, "e/b", result("b", 0.8)), false)
                .get(0)
                .value());
        assertEquals(Report.Phase.FINISHED, done.getPhase());
    }

    /** Found by the 10 000-record fuzz run: a result for experiment "a/b" threw while keying its report. */
    @Test
    void recordsWithAnUnsafeExperimentId_deadLetteredNamingTheRule() throws Exception {
        EvaluatorHandler h = handler();
        byte[] bad = TrainResult.parseFrom(result("a", 0.5)).toBuilder()
                .setExperimentId("fuzz/live")
                .build()
                .toByteArray();

        List<ProducerRecord<byte[], byte[]>> out = h.onRecord(in(Topics.TRAIN_RESULTS, "x", bad), false);

        assertEquals(Topics.DEAD_LETTERS, out.get(0).topic());
        assertTrue(dev.autost.proto.v1.DeadLetter.parseFrom(out.get(0).value())
                .getReason()
                .startsWith("experiment_id must be"));
    }

    /** Found by the fuzz suite: 5 000 made-up metrics on a trained score made every report of the experiment too large. */
    @Test
    void correlated_manyMadeUpMetrics_ownMetricsFirstAndCapped() {
        java.util.Set<String> names = new java.util.TreeSet<>(List.of("sahd", "flops_syops", "params"));
        for (int i = 0; i < 5000; i++) {
            names.add("m" + i);
        }

        List<String> picked = EvaluatorHandler.correlated(names);

        assertEquals(EvaluatorHandler.MAX_CORRELATED_METRICS, picked.size());
        assertEquals(List.of("flops_syops", "params", "sahd"), picked.subList(0, 3));
    }

    /** Found by the fuzz suite: a 100 000-layer genome on one score made every report of its experiment too large. */
    @Test
    void scoreProblem_genomeTheScorerCouldNotHaveScoredOrNaN_refusedNamingWhy() throws Exception {
        Score good = Score.parseFrom(score("a", 10, 0));
        dev.autost.proto.v1.GenomeMessage deep = dev.autost.proto.v1.GenomeMessage.newBuilder()
                .setDepth(100_000)
                .addAllMlpRatios(java.util.Collections.nCopies(100_000, 4.0))
                .addAllNumHeads(java.util.Collections.nCopies(100_000, 1))
                .setEmbedDim(8)
                .build();

        assertEquals(null, dev.autost.messaging.codec.ScoreMessages.problem(good));
        assertTrue(dev.autost.messaging.codec.ScoreMessages.problem(
                        good.toBuilder().setGenome(deep).build())
                .startsWith("score with an invalid genome: depth must be in"));
        assertTrue(dev.autost.messaging.codec.ScoreMessages.problem(
                        good.toBuilder().setGenomeHash(h("b")).build())
                .contains("does not match"));
        assertTrue(dev.autost.messaging.codec.ScoreMessages.problem(
                        good.toBuilder().setFlopsSyops(Double.NaN).build())
                .startsWith("score with a number that is not finite"));
    }

    /**
     * A score carrying thousands of extra metrics was ranked, and its experiment's reports, the
     * final one included, were then too large to publish (the fuzz suite at full size lost it in 2
     * of 4 runs): it is refused naming why, and the final report stays small.
     */
    @Test
    void scoreWithThousandsOfExtraMetrics_deadLettered_finalReportStaysPublishable() throws Exception {
        EvaluatorHandler h = handler();
        Score.Builder bloated = Score.parseFrom(score("b", 20, 1)).toBuilder();
        for (int i = 0; i < 5_000; i++) {
            bloated.putExtra("made_up_metric_with_a_long_name_" + i, i);
        }
        assertTrue(bloated.build().getSerializedSize() > 200_000);
        h.onRecord(in(Topics.SCORES, "e/a", score("a", 10, 0)), false);
        List<ProducerRecord<byte[], byte[]>> refused =
                h.onRecord(in(Topics.SCORES, "e/b", bloated.build().toByteArray()), false);
        assertEquals(Topics.DEAD_LETTERS, refused.get(0).topic());
        assertTrue(
                dev.autost.proto.v1.DeadLetter.parseFrom(refused.get(0).value())
                        .getReason()
                        .startsWith("score with 5000 extra metrics"),
                dev.autost.proto.v1.DeadLetter.parseFrom(refused.get(0).value()).getReason());

        List<ProducerRecord<byte[], byte[]>> out = h.onRecord(in(Topics.REPORTS, "e", searchDone(0)), false);
        Report r = Report.parseFrom(out.get(0).value());
        assertEquals(Report.Phase.FINISHED, r.getPhase());
        assertTrue(
                out.get(0).value().length < ReportBudget.MAX_REPORT_BYTES,
                "report of " + out.get(0).value().length);
    }

    /**
     * An experiment on SAHD: the evaluation ranks as its sampler does, by SAHD (here the reverse of
     * FLOPs), and its best score is SAHD's, not the FLOPs count.
     */
    @Test
    void sahdExperiment_leaderboardAndBestScoreFollowTheObjective() throws Exception {
        EvaluatorHandler h = handler();
        byte[] spec = dev.autost.messaging.codec.ExperimentPlan.specBuilder(
                        "e", dev.autost.domain.space.SearchSpaces.builtIn("small"), "evolution", 1, 3, 1, 0)
                .setObjective("sahd")
                .build()
                .toByteArray();
        h.onRecord(in(Topics.EXPERIMENTS, "e", spec), false);
        double[] flops = {10, 20, 30};
        double[] sahd = {300, 200, 100};
        for (int i = 0; i < 3; i++) {
            String hash = String.valueOf((char) ('a' + i));
            Score probed = Score.parseFrom(score(hash, flops[i], i)).toBuilder()
                    .putExtra("sahd", sahd[i])
                    .putExtra("naswot", 1)
                    .putExtra("energy_init_pj", 1)
                    .build();
            h.onRecord(in(Topics.SCORES, "e/" + hash, probed.toByteArray()), false);
        }
        Report r = Report.parseFrom(
                h.onRecord(in(Topics.REPORTS, "e", searchDone(0)), false).get(0).value());
        assertEquals(
                h(List.of("a", "b", "c")),
                r.getTopList().stream().map(x -> x.getGenomeHash()).toList());
        assertEquals(300.0, r.getBestScore());
    }
}
