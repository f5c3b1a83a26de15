package dev.autost.sampler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.autost.domain.cost.CostModel;
import dev.autost.domain.genome.Genome;
import dev.autost.domain.space.SearchSpaces;
import dev.autost.messaging.DeadLetters;
import dev.autost.messaging.Topics;
import dev.autost.messaging.codec.GenomeMessages;
import dev.autost.messaging.codec.ScoreMessages;
import dev.autost.proto.SchemaVersions;
import dev.autost.proto.v1.CandidateMessage;
import dev.autost.proto.v1.ExperimentSpec;
import dev.autost.proto.v1.Report;
import dev.autost.proto.v1.Score;
import dev.autost.proto.v1.TrainRequest;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

class SamplerHandlerTest {
    private static final CostModel MODEL =
            new CostModel(SearchSpaces.builtIn("small").modelSetting());
    private long offset;

    private static ExperimentSpec spec(String id, int trainTopK) {
        return ExperimentSpec.newBuilder()
                .setSchemaVersion(SchemaVersions.CURRENT)
                .setExperimentId(id)
                .setSpaceYaml(SearchSpaces.toYaml(SearchSpaces.builtIn("small")))
                .setStrategy("evolution")
                .setSeed(3)
                .setGenerations(2)
                .setPopulation(10)
                .setTrainTopK(trainTopK)
                .setEpochs(1)
                .build();
    }

    private ConsumerRecord<byte[], byte[]> in(String topic, String key, byte[] value) {
        return new ConsumerRecord<>(topic, 0, offset++, key.getBytes(StandardCharsets.UTF_8), value);
    }

    private static SamplerHandler handler() {
        return new SamplerHandler(new DeadLetters(SamplerHandler.SERVICE, Clock.systemUTC()));
    }

    /** The records of {@code topic} among {@code out}, decoded. */
    private static <T> List<T> decoded(List<ProducerRecord<byte[], byte[]>> out, String topic, Parser<T> parser)
            throws Exception {
        List<T> c = new ArrayList<>();
        for (ProducerRecord<byte[], byte[]> r : out) {
            if (r.topic().equals(topic)) {
                c.add(parser.parseFrom(r.value()));
            }
        }
        return c;
    }

    private interface Parser<T> {
        T parseFrom(byte[] bytes) throws Exception;
    }

    private static List<CandidateMessage> candidates(List<ProducerRecord<byte[], byte[]>> out) throws Exception {
        return decoded(out, Topics.CANDIDATES, CandidateMessage::parseFrom);
    }

    private static byte[] score(CandidateMessage c) {
        Genome g = GenomeMessages.toDomain(c.getGenome());
        return ScoreMessages.score(c, g, MODEL.estimate(g), "scorer-test").toByteArray();
    }

    @Test
    void onRecord_newSpec_publishesFirstGenerationAndARunningReport() throws Exception {
        SamplerHandler h = handler();
        h.onCaughtUp();
        List<ProducerRecord<byte[], byte[]>> out =
                h.onRecord(in(Topics.EXPERIMENTS, "e1", spec("e1", 0).toByteArray()), false);
        List<CandidateMessage> first = candidates(out);
        assertEquals(10, first.size());
        assertEquals("e1/" + first.get(0).getGenomeHash(), new String(out.get(0).key(), StandardCharsets.UTF_8));
        Report report = Report.parseFrom(out.get(out.size() - 1).value());
        assertEquals(Report.Phase.RUNNING, report.getPhase());
        assertTrue(
                h.onRecord(in(Topics.EXPERIMENTS, "e1", spec("e1", 0).toByteArray()), false)
                        .isEmpty(),
                "a spec seen again is ignored");
    }

    /** Tells every score (each twice: redelivered) until the search publishes nothing more; the last outputs. */
    private List<ProducerRecord<byte[], byte[]>> runToEnd(SamplerHandler h, ExperimentSpec spec, int[] generations)
            throws Exception {
        String id = spec.getExperimentId();
        List<CandidateMessage> gen = candidates(h.onRecord(in(Topics.EXPERIMENTS, id, spec.toByteArray()), false));
        List<ProducerRecord<byte[], byte[]>> last = List.of();
        while (!gen.isEmpty()) {
            generations[0]++;
            List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>();
            for (CandidateMessage c : gen) {
                out.addAll(h.onRecord(in(Topics.SCORES, id + "/" + c.getGenomeHash(), score(c)), false));
                out.addAll(h.onRecord(in(Topics.SCORES, id + "/" + c.getGenomeHash(), score(c)), false));
            }
            gen = candidates(out);
            last = out;
        }
        return last;
    }

    @Test
    void onRecord_allScoresTold_breedsThenFinishesWithTrainRequests() throws Exception {
        SamplerHandler h = handler();
        h.onCaughtUp();
        int[] generations = {0};
        List<ProducerRecord<byte[], byte[]>> last =
                runToEnd(h, spec("e2", 3).toBuilder().setTrainSelection("top-k").build(), generations);
        assertEquals(3, generations[0]);
        List<TrainRequest> requests = decoded(last, Topics.TRAIN_REQUESTS, TrainRequest::parseFrom);
        Report done = decoded(last, Topics.REPORTS, Report::parseFrom).get(0);
        assertEquals(3, requests.size());
        assertEquals(
                List.of(1, 2, 3), requests.stream().map(TrainRequest::getRank).toList());
        assertEquals(Report.Phase.SEARCH_DONE, done.getPhase());
        assertEquals(30, done.getCandidatesScored());
        assertEquals(requests.get(0).getGenomeHash(), done.getTop(0).getGenomeHash());
    }

    /**
     * A space smaller than the search: its 4 members fill the first generation and no second one
     * can be bred. The search ends, saying why, and trains what it asked for; it used to
     * dead-letter the last score and wait for good.
     */
    @Test
    void onRecord_spaceRunsOutAfterTheFirstGeneration_searchEndsSayingWhyAndTrains() throws Exception {
        String yaml = """
                name: four
                embed_dims: [32]
                depth: {min: 1, max: 1}
                mlp_ratios: [2, 4]
                num_heads: [2, 4]
                time_steps: [4]
                image_size: 28
                channels: 1
                patch_size: 4
                classes: 10
                backbone: autost
                syops_batch: 32
                """;
        SamplerHandler h = handler();
        h.onCaughtUp();
        int[] generations = {0};
        ExperimentSpec spec = spec("e-four", 2).toBuilder()
                .setSpaceYaml(yaml)
                .setPopulation(4)
                .setGenerations(3)
                .setTrainSelection("top-k")
                .build();
        List<ProducerRecord<byte[], byte[]>> last = runToEnd(h, spec, generations);
        assertEquals(1, generations[0]);
        Report done = decoded(last, Topics.REPORTS, Report::parseFrom).get(0);
        assertEquals(Report.Phase.SEARCH_DONE, done.getPhase());
        assertEquals(4, done.getCandidatesScored());
        assertTrue(done.getEndedEarly().contains("found only 0 of 4"), done.getEndedEarly());
        assertEquals(
                2, decoded(last, Topics.TRAIN_REQUESTS, TrainRequest::parseFrom).size());
        assertEquals(0, h.deadLettered());
    }

    /**
     * The default selection trains the best of each shape: FLOPs ignore heads, so the plain top
     * of an evolution repeats one shape; each request keeps its true rank in the ranking.
     */
    @Test
    void onRecord_searchDone_defaultSelectionTrainsOneOfEachShapeWithItsRank() throws Exception {
        SamplerHandler h = handler();
        h.onCaughtUp();
        List<ProducerRecord<byte[], byte[]>> last = runToEnd(h, spec("e2d", 4), new int[1]);
        List<TrainRequest> requests = decoded(last, Topics.TRAIN_REQUESTS, TrainRequest::parseFrom);
        Report done = decoded(last, Topics.REPORTS, Report::parseFrom).get(0);
        assertEquals(4, requests.size());
        java.util.Set<List<Object>> shapes = new java.util.HashSet<>();
        int previous = 0;
        for (TrainRequest r : requests) {
            Genome g = GenomeMessages.toDomain(r.getGenome());
            List<Double> ratios = new ArrayList<>(g.mlpRatios());
            ratios.sort(null);
            assertTrue(shapes.add(List.of(g.embedDim(), g.depth(), ratios)), "shape trained twice: " + g);
            assertTrue(r.getRank() > previous, "ranks in order");
            previous = r.getRank();
            assertEquals(done.getTop(r.getRank() - 1).getGenomeHash(), r.getGenomeHash(), "rank " + r.getRank());
        }
    }

    @Test
    void onCaughtUp_afterReplay_republishesOnlyUnscoredCandidates() throws Exception {
        SamplerHandler first = handler();
        first.onCaughtUp();
        List<CandidateMessage> gen = candidates(
                first.onRecord(in(Topics.EXPERIMENTS, "e3", spec("e3", 0).toByteArray()), false));

        SamplerHandler restarted = handler();
        restarted.onRecord(in(Topics.EXPERIMENTS, "e3", spec("e3", 0).toByteArray()), true);
        for (CandidateMessage c : gen.subList(0, 4)) {
            restarted.onRecord(in(Topics.SCORES, "e3/" + c.getGenomeHash(), score(c)), true);
        }
        List<CandidateMessage> again = candidates(restarted.onCaughtUp());
        assertEquals(gen.subList(4, 10), again);
    }

    /** A space whose parameter window no architecture fits (the issue's "bad-window"). */
    private static ExperimentSpec infeasible(String id) {
        return ExperimentSpec.newBuilder()
                .setSchemaVersion(SchemaVersions.CURRENT)
                .setExperimentId(id)
                .setSpaceYaml("embed_dims: [64]\ndepth: {min: 1, max: 2}\nmlp_ratios: [4]\nnum_heads: [1]\n"
                        + "constraints: {params: {min: 1.0e15}}\n")
                .build();
    }

    private static List<Report> reports(List<ProducerRecord<byte[], byte[]>> out) throws Exception {
        return decoded(out, Topics.REPORTS, Report::parseFrom);
    }

    @Test
    void onRecord_infeasibleSpec_deadLetteredAndReportedFailed_nextExperimentRuns() throws Exception {
        SamplerHandler h = handler();
        h.onCaughtUp();
        List<ProducerRecord<byte[], byte[]>> out =
                h.onRecord(in(Topics.EXPERIMENTS, "bad", infeasible("bad").toByteArray()), false);
        assertEquals(Topics.DEAD_LETTERS, out.get(0).topic());
        List<Report> r = reports(out);
        assertEquals(1, r.size());
        assertEquals(Report.Phase.FAILED, r.get(0).getPhase());
        assertTrue(
                r.get(0).getFailureReason().startsWith("space.constraints:"),
                r.get(0).getFailureReason());
        assertEquals(
                10,
                candidates(h.onRecord(in(Topics.EXPERIMENTS, "ok", spec("ok", 0).toByteArray()), false))
                        .size());
    }

    @Test
    void onCaughtUp_storedInfeasibleSpec_reportsFailedOnceInsteadOfStopping() throws Exception {
        byte[] bad = infeasible("bad").toByteArray();
        SamplerHandler first = handler();
        first.onRecord(in(Topics.EXPERIMENTS, "bad", bad), true);
        first.onRecord(in(Topics.EXPERIMENTS, "ok", spec("ok", 0).toByteArray()), true);
        List<ProducerRecord<byte[], byte[]>> out = first.onCaughtUp();
        List<Report> r = reports(out);
        assertEquals(
                List.of("bad", "ok"), r.stream().map(Report::getExperimentId).toList());
        assertEquals(Report.Phase.FAILED, r.get(0).getPhase());
        assertTrue(r.get(0).getFailureReason().contains("constraints"), r.get(0).getFailureReason());
        assertEquals(10, candidates(out).size(), "the good experiment starts");

        // Restarted again: the FAILED report is part of the replay, so nothing is repeated.
        SamplerHandler second = handler();
        second.onRecord(in(Topics.EXPERIMENTS, "bad", bad), true);
        second.onRecord(
                in(
                        Topics.REPORTS,
                        "bad",
                        out.stream()
                                .filter(x -> x.topic().equals(Topics.REPORTS))
                                .findFirst()
                                .orElseThrow()
                                .value()),
                true);
        assertTrue(second.onCaughtUp().isEmpty());
    }

    @Test
    void onCaughtUp_specRefusedWhileTheSamplerWasDown_deadLetteredAndFailedOnlyOnce() throws Exception {
        byte[] bad =
                spec("refused", 0).toBuilder().setStrategy("annealing").build().toByteArray();
        SamplerHandler first = handler();
        first.onRecord(in(Topics.EXPERIMENTS, "refused", bad), true);
        List<ProducerRecord<byte[], byte[]>> out = first.onCaughtUp();
        assertEquals(
                List.of(Topics.DEAD_LETTERS, Topics.REPORTS),
                out.stream().map(ProducerRecord::topic).toList());
        assertTrue(reports(out).get(0).getFailureReason().contains("annealing"));

        SamplerHandler second = handler();
        second.onRecord(in(Topics.EXPERIMENTS, "refused", bad), true);
        second.onRecord(in(Topics.REPORTS, "refused", out.get(1).value()), true);
        assertTrue(second.onCaughtUp().isEmpty(), "dead-lettered and reported once, not at every restart");
    }

    @Test
    void onRecord_garbage_becomesADeadLetterAndNothingElse() {
        SamplerHandler h = handler();
        h.onCaughtUp();
        for (String topic : List.of(Topics.EXPERIMENTS, Topics.SCORES)) {
            List<ProducerRecord<byte[], byte[]>> out =
                    h.onRecord(in(topic, "x", new byte[] {(byte) 0xff, 0x01, 0x02}), false);
            assertEquals(1, out.size());
            assertEquals(Topics.DEAD_LETTERS, out.get(0).topic());
        }
        List<ProducerRecord<byte[], byte[]>> bad = h.onRecord(
                in(
                        Topics.EXPERIMENTS,
                        "e4",
                        spec("e4", 0).toBuilder()
                                .setSpaceYaml("embed_dims: []")
                                .build()
                                .toByteArray()),
                false);
        assertEquals(Topics.DEAD_LETTERS, bad.get(0).topic());
        assertEquals(3, h.deadLettered());
    }

    /** A score the search cannot use (NaN) used to fail the handler; now it is refused by name and the real one counts. */
    @Test
    void onRecord_nanScoreForAnOutstandingCandidate_deadLetteredAndTheRealScoreCounts() throws Exception {
        SamplerHandler h = handler();
        h.onCaughtUp();
        List<CandidateMessage> gen =
                candidates(h.onRecord(in(Topics.EXPERIMENTS, "e5", spec("e5", 0).toByteArray()), false));
        CandidateMessage first = gen.get(0);
        byte[] nan = dev.autost.proto.v1.Score.parseFrom(score(first)).toBuilder()
                .setFlopsSyops(Double.NaN)
                .build()
                .toByteArray();

        List<ProducerRecord<byte[], byte[]>> out = h.onRecord(in(Topics.SCORES, "e5/x", nan), false);

        assertEquals(Topics.DEAD_LETTERS, out.get(0).topic());
        assertTrue(dev.autost.proto.v1.DeadLetter.parseFrom(out.get(0).value())
                .getReason()
                .contains("not finite"));
        List<ProducerRecord<byte[], byte[]>> next = new ArrayList<>();
        for (CandidateMessage c : gen) {
            next.addAll(h.onRecord(in(Topics.SCORES, "e5/" + c.getGenomeHash(), score(c)), false));
        }
        assertEquals(10, candidates(next).size(), "the generation completed with the real scores");
    }

    private static byte[] probedScore(CandidateMessage c) throws Exception {
        Score plain = Score.parseFrom(score(c));
        // A made-up SAHD that orders candidates differently from FLOPs: the reverse of the sequence.
        return ScoreMessages.probed(plain, Map.of("sahd", -1.0 * c.getSequence(), "naswot", 1.0, "energy_init_pj", 2.0))
                .toByteArray();
    }

    @Test
    void onRecord_probeObjective_waitsForTheProbedScoreAndRanksByIt() throws Exception {
        SamplerHandler h = handler();
        h.onCaughtUp();
        ExperimentSpec spec =
                spec("ep", 0).toBuilder().setGenerations(1).setObjective("sahd").build();
        List<CandidateMessage> gen = candidates(h.onRecord(in(Topics.EXPERIMENTS, "ep", spec.toByteArray()), false));
        for (CandidateMessage c : gen) {
            assertTrue(
                    h.onRecord(in(Topics.SCORES, "ep/" + c.getGenomeHash(), score(c)), false)
                            .isEmpty(),
                    "a score without sahd is not told");
        }
        List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>();
        for (CandidateMessage c : gen) {
            out.addAll(h.onRecord(in(Topics.SCORES, "ep/" + c.getGenomeHash(), probedScore(c)), false));
        }
        assertEquals(10, candidates(out).size(), "the second generation follows the probed scores");
    }

    @Test
    void onCaughtUp_probeObjective_scoredAgainAfterProbing_keepsTheProbedScore() throws Exception {
        SamplerHandler live = handler();
        live.onCaughtUp();
        ExperimentSpec spec =
                spec("eq", 0).toBuilder().setGenerations(1).setObjective("sahd").build();
        List<CandidateMessage> gen = candidates(live.onRecord(in(Topics.EXPERIMENTS, "eq", spec.toByteArray()), false));

        SamplerHandler restarted = handler();
        restarted.onRecord(in(Topics.EXPERIMENTS, "eq", spec.toByteArray()), true);
        for (CandidateMessage c : gen) {
            restarted.onRecord(in(Topics.SCORES, "eq/" + c.getGenomeHash(), probedScore(c)), true);
            // The same candidate scored again later (republished by an earlier restart), not probed.
            restarted.onRecord(in(Topics.SCORES, "eq/" + c.getGenomeHash(), score(c)), true);
        }
        List<ProducerRecord<byte[], byte[]>> out = restarted.onCaughtUp();
        List<CandidateMessage> next = candidates(out);
        assertEquals(10, next.size(), "generation 0 replayed from its probed scores, generation 1 published");
        assertTrue(next.stream().allMatch(c -> c.getGeneration() == 1), "nothing of generation 0 republished");
    }

    @Test
    void onCaughtUp_probeObjective_unprobedScore_republishesTheCandidate() throws Exception {
        SamplerHandler live = handler();
        live.onCaughtUp();
        ExperimentSpec spec =
                spec("er", 0).toBuilder().setGenerations(1).setObjective("sahd").build();
        List<CandidateMessage> gen = candidates(live.onRecord(in(Topics.EXPERIMENTS, "er", spec.toByteArray()), false));

        SamplerHandler restarted = handler();
        restarted.onRecord(in(Topics.EXPERIMENTS, "er", spec.toByteArray()), true);
        for (CandidateMessage c : gen.subList(1, gen.size())) {
            restarted.onRecord(in(Topics.SCORES, "er/" + c.getGenomeHash(), probedScore(c)), true);
        }
        CandidateMessage unprobed = gen.get(0);
        restarted.onRecord(in(Topics.SCORES, "er/" + unprobed.getGenomeHash(), score(unprobed)), true);
        List<CandidateMessage> again = candidates(restarted.onCaughtUp());
        assertEquals(
                List.of(unprobed.getGenomeHash()),
                again.stream().map(CandidateMessage::getGenomeHash).toList());
    }

    @Test
    void onRecord_unknownObjective_failsTheExperimentNamingIt() throws Exception {
        SamplerHandler h = handler();
        h.onCaughtUp();
        ExperimentSpec spec = spec("eo", 0).toBuilder().setObjective("accuracy").build();
        List<ProducerRecord<byte[], byte[]>> out = h.onRecord(in(Topics.EXPERIMENTS, "eo", spec.toByteArray()), false);
        Report failed = decoded(out, Topics.REPORTS, Report::parseFrom).get(0);
        assertEquals(Report.Phase.FAILED, failed.getPhase());
        assertTrue(failed.getFailureReason().contains("accuracy"), failed.getFailureReason());
    }

    @Test
    void onRecord_probeFraction_marksTheLowerFlopsHalfAndTellsItWithoutAProbe() throws Exception {
        SamplerHandler h = handler();
        h.onCaughtUp();
        ExperimentSpec spec = spec("eg", 0).toBuilder()
                .setGenerations(1)
                .setObjective("sahd")
                .setProbeFraction(0.5)
                .build();
        List<CandidateMessage> gen = candidates(h.onRecord(in(Topics.EXPERIMENTS, "eg", spec.toByteArray()), false));
        List<CandidateMessage> skipped =
                gen.stream().filter(CandidateMessage::getSkipProbe).toList();
        assertEquals(5, skipped.size(), "half of the 10 candidates are gated out");
        double lowestProbed = gen.stream()
                .filter(c -> !c.getSkipProbe())
                .mapToDouble(c ->
                        MODEL.estimate(GenomeMessages.toDomain(c.getGenome())).flopsSyops())
                .min()
                .orElseThrow();
        for (CandidateMessage c : skipped) {
            assertTrue(MODEL.estimate(GenomeMessages.toDomain(c.getGenome())).flopsSyops() <= lowestProbed);
        }
        List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>();
        for (CandidateMessage c : gen) {
            // What the scorer publishes: the candidate's flag copied into the score.
            byte[] value = c.getSkipProbe() ? score(c) : probedScore(c);
            out.addAll(h.onRecord(in(Topics.SCORES, "eg/" + c.getGenomeHash(), value), false));
        }
        assertEquals(10, candidates(out).size(), "gated candidates did not hold the generation back");
    }

    @Test
    void finishedExperiment_isNotKeptLiveNorReplayedAfterARestart() throws Exception {
        SamplerHandler live = handler();
        live.onCaughtUp();
        ExperimentSpec spec = spec("done", 1);
        List<byte[]> scores = new ArrayList<>();
        List<CandidateMessage> gen =
                candidates(live.onRecord(in(Topics.EXPERIMENTS, "done", spec.toByteArray()), false));
        List<ProducerRecord<byte[], byte[]>> last = List.of();
        while (!gen.isEmpty()) {
            List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>();
            for (CandidateMessage c : gen) {
                scores.add(score(c));
                out.addAll(live.onRecord(in(Topics.SCORES, "done/" + c.getGenomeHash(), score(c)), false));
            }
            gen = candidates(out);
            last = out;
        }
        Report done = decoded(last, Topics.REPORTS, Report::parseFrom).get(0);
        assertEquals(Report.Phase.SEARCH_DONE, done.getPhase());
        assertEquals(0, live.runsHeld(), "a finished search holds no state");

        SamplerHandler restarted = handler();
        restarted.onRecord(in(Topics.EXPERIMENTS, "done", spec.toByteArray()), true);
        for (byte[] s : scores) {
            Score parsed = Score.parseFrom(s);
            restarted.onRecord(in(Topics.SCORES, "done/" + parsed.getGenomeHash(), s), true);
        }
        restarted.onRecord(in(Topics.REPORTS, "done", done.toByteArray()), true);
        assertTrue(restarted.onCaughtUp().isEmpty(), "nothing published again");
        assertEquals(0, restarted.runsHeld(), "and its search not rebuilt");
    }

    /**
     * Replayed reports first (as {@code replayFirst} asks), a finished experiment's scores are not
     * even decoded: none is held during the replay, and a bad one is not dead-lettered again.
     */
    @Test
    void replay_finalReportReadFirst_theExperimentsScoresAreSkippedUndecoded() throws Exception {
        SamplerHandler restarted = handler();
        assertEquals(List.of(Topics.REPORTS), restarted.replayFirst());
        Report done = Report.newBuilder()
                .setSchemaVersion(SchemaVersions.CURRENT)
                .setExperimentId("done")
                .setSource(SamplerHandler.SERVICE)
                .setPhase(Report.Phase.SEARCH_DONE)
                .build();
        restarted.onRecord(in(Topics.REPORTS, "done", done.toByteArray()), true);
        restarted.onRecord(in(Topics.EXPERIMENTS, "done", spec("done", 1).toByteArray()), true);
        ExperimentSpec open = spec("open", 0);
        restarted.onRecord(in(Topics.EXPERIMENTS, "open", open.toByteArray()), true);
        CandidateMessage c = candidates(handler().onRecord(in(Topics.EXPERIMENTS, "open", open.toByteArray()), false))
                .get(0);
        assertTrue(restarted
                .onRecord(in(Topics.SCORES, "done/x", new byte[] {1, 2, 3}), true)
                .isEmpty());
        restarted.onRecord(in(Topics.SCORES, "done/" + c.getGenomeHash(), score(c)), true);
        restarted.onRecord(in(Topics.SCORES, "open/" + c.getGenomeHash(), score(c)), true);
        assertEquals(1, restarted.scoresHeldForReplay(), "only the open experiment's score");
        restarted.onCaughtUp();
        assertEquals(1, restarted.runsHeld());
    }

    /** Successive halving over the search's top 9: rungs of 1 and 3 epochs, eta 3. */
    private static ExperimentSpec halvingSpec(String id) {
        return spec(id, 9).toBuilder()
                .setTrainSelection("top-k")
                .setEpochs(0)
                .addRungEpochs(1)
                .addRungEpochs(3)
                .setEta(3)
                .build();
    }

    /** A trainer's result for {@code r}: the candidate's (made-up, rising) accuracy after each epoch. */
    private static byte[] trained(TrainRequest r) {
        double ceiling = 0.5 + (r.getGenomeHash().hashCode() & 0xff) / 1000.0;
        List<Double> curve = new ArrayList<>();
        for (int e = 1; e <= r.getEpochs(); e++) {
            curve.add(ceiling * (1 - Math.pow(0.5, e)));
        }
        return dev.autost.proto.v1.TrainResult.newBuilder()
                .setSchemaVersion(SchemaVersions.CURRENT)
                .setExperimentId(r.getExperimentId())
                .setGenomeHash(r.getGenomeHash())
                .setStatus(dev.autost.proto.v1.TrainResult.Status.OK)
                .setEpochs(r.getEpochs())
                .setTestAccuracy(curve.get(curve.size() - 1))
                .addAllEpochTestAccuracies(curve)
                .build()
                .toByteArray();
    }

    /**
     * Runs a halving experiment to its end with one trainer taking requests in order, every record
     * kept as the topics would. After result {@code restartAfter} the sampler is replaced by one
     * that replays the whole log; with {@code loseOutputs} the old one died before publishing that
     * result's outputs.
     *
     * @return every train request published, in order; the last element's report is checked by callers
     */
    private List<TrainRequest> halvingRun(String id, int restartAfter, boolean loseOutputs, List<Report> reports)
            throws Exception {
        return halvingRun(halvingSpec(id), restartAfter, loseOutputs, reports);
    }

    private List<TrainRequest> halvingRun(
            ExperimentSpec spec, int restartAfter, boolean loseOutputs, List<Report> reports) throws Exception {
        String id = spec.getExperimentId();
        List<ConsumerRecord<byte[], byte[]>> log = new ArrayList<>();
        SamplerHandler h = handler();
        h.onCaughtUp();
        ConsumerRecord<byte[], byte[]> specRecord = in(Topics.EXPERIMENTS, id, spec.toByteArray());
        log.add(specRecord);
        List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>(h.onRecord(specRecord, false));
        java.util.ArrayDeque<TrainRequest> queue = new java.util.ArrayDeque<>();
        List<TrainRequest> published = new ArrayList<>();
        int results = 0;
        while (true) {
            for (ProducerRecord<byte[], byte[]> r : out) {
                log.add(in(r.topic(), new String(r.key(), StandardCharsets.UTF_8), r.value()));
                if (r.topic().equals(Topics.TRAIN_REQUESTS)) {
                    queue.add(TrainRequest.parseFrom(r.value()));
                    published.add(TrainRequest.parseFrom(r.value()));
                }
                if (r.topic().equals(Topics.REPORTS)) {
                    reports.add(Report.parseFrom(r.value()));
                }
            }
            List<CandidateMessage> gen = candidates(out);
            out = new ArrayList<>();
            if (!gen.isEmpty()) {
                for (CandidateMessage c : gen) {
                    ConsumerRecord<byte[], byte[]> sc = in(Topics.SCORES, id + "/" + c.getGenomeHash(), score(c));
                    log.add(sc);
                    out.addAll(h.onRecord(sc, false));
                }
                continue;
            }
            if (queue.isEmpty()) {
                break;
            }
            TrainRequest next = queue.poll();
            ConsumerRecord<byte[], byte[]> result =
                    in(Topics.TRAIN_RESULTS, id + "/" + next.getGenomeHash(), trained(next));
            log.add(result);
            out.addAll(h.onRecord(result, false));
            if (++results == restartAfter) {
                if (loseOutputs) {
                    out.clear();
                } else {
                    for (ProducerRecord<byte[], byte[]> r : out) {
                        log.add(in(r.topic(), new String(r.key(), StandardCharsets.UTF_8), r.value()));
                        if (r.topic().equals(Topics.TRAIN_REQUESTS)) {
                            queue.add(TrainRequest.parseFrom(r.value()));
                            published.add(TrainRequest.parseFrom(r.value()));
                        }
                    }
                    out.clear();
                }
                h = handler();
                for (ConsumerRecord<byte[], byte[]> r : log) {
                    h.onRecord(r, true);
                }
                out.addAll(h.onCaughtUp());
            }
        }
        assertEquals(0, h.trainingsHeld(), "closed training holds no state");
        return published;
    }

    @Test
    void halving_searchDone_trainsTheFirstRungThenPromotesOneInEtaAndCloses() throws Exception {
        List<Report> reports = new ArrayList<>();
        List<TrainRequest> requests = halvingRun("sh", -1, false, reports);
        List<TrainRequest> first = requests.subList(0, 9);
        assertTrue(first.stream().allMatch(r -> r.getEpochs() == 1 && r.getScheduleEpochs() == 3), first.toString());
        List<TrainRequest> promoted = requests.subList(9, requests.size());
        assertEquals(3, promoted.size(), "9 / eta");
        assertTrue(promoted.stream().allMatch(r -> r.getEpochs() == 3 && r.getScheduleEpochs() == 3));
        Report open = reports.stream()
                .filter(r -> r.getPhase() == Report.Phase.SEARCH_DONE)
                .findFirst()
                .orElseThrow();
        assertTrue(open.getTrainingOpen());
        assertEquals(9, open.getTrainExpected());
        assertEquals(9 + 3 * 2, open.getTrainBudgetEpochs());
        Report closed = reports.get(reports.size() - 1);
        assertEquals(Report.Phase.SEARCH_DONE, closed.getPhase());
        assertFalse(closed.getTrainingOpen());
        assertEquals(15, closed.getTrainEpochsRequested());
        assertEquals(9, closed.getTrained());
        // The promoted are the best three at one epoch (made-up curves rank by their ceiling).
        java.util.Comparator<TrainRequest> byCeiling =
                java.util.Comparator.comparingInt(r -> -(r.getGenomeHash().hashCode() & 0xff));
        List<String> bestAtOneEpoch = first.stream()
                .sorted(byCeiling)
                .limit(3)
                .map(TrainRequest::getGenomeHash)
                .sorted()
                .toList();
        assertEquals(
                bestAtOneEpoch,
                promoted.stream().map(TrainRequest::getGenomeHash).sorted().toList());
    }

    private static ExperimentSpec modelSpec(String id) {
        return spec(id, 0).toBuilder()
                .setStrategy("model")
                .setPopulation(12)
                .setGenerations(1)
                .setEpochs(0)
                .addRungEpochs(3)
                .setTrainBudgetEpochs(12)
                .build();
    }

    /**
     * Strategy model: the scored pool waits while one candidate trains at a time, each chosen
     * after the result before it, until the budget is spent; a sampler restarted after any
     * result makes the same choices and publishes none twice.
     */
    @Test
    void model_trainsOneAtATimeWithinTheBudget_andARestartMakesTheSameChoices() throws Exception {
        List<Report> reports = new ArrayList<>();
        List<TrainRequest> requests = halvingRun(modelSpec("mb"), -1, false, reports);
        assertEquals(4, requests.size(), "12 epochs / 3");
        assertEquals(
                4, requests.stream().map(TrainRequest::getGenomeHash).distinct().count());
        assertTrue(requests.stream().allMatch(r -> r.getEpochs() == 3), requests.toString());
        assertEquals(1, requests.get(0).getRank(), "the proxy's best first");
        Report open = reports.stream()
                .filter(r -> r.getPhase() == Report.Phase.SEARCH_DONE)
                .findFirst()
                .orElseThrow();
        assertTrue(open.getTrainingOpen());
        assertEquals(4, open.getTrainExpected());
        Report closed = reports.get(reports.size() - 1);
        assertFalse(closed.getTrainingOpen());
        assertEquals(4, closed.getTrained());
        assertEquals(12, closed.getTrainEpochsRequested());
        for (int cut = 1; cut <= 3; cut++) {
            assertEquals(requests, halvingRun(modelSpec("mb"), cut, false, new ArrayList<>()), "restart after " + cut);
            assertEquals(requests, halvingRun(modelSpec("mb"), cut, true, new ArrayList<>()), "lost at " + cut);
        }
    }

    /** A result of {@code r} trained with recipe R: rank 2 of the pool is poor, the rest fair. */
    private static byte[] labResult(TrainRequest r) {
        double a = r.getRank() == 2 ? 0.10 : 0.5 + (r.getGenomeHash().hashCode() & 0xff) / 1000.0;
        return dev.autost.proto.v1.TrainResult.newBuilder()
                .setSchemaVersion(SchemaVersions.CURRENT)
                .setExperimentId(r.getExperimentId())
                .setGenomeHash(r.getGenomeHash())
                .setStatus(dev.autost.proto.v1.TrainResult.Status.OK)
                .setEpochs(r.getEpochs())
                .setTestAccuracy(a)
                .addAllEpochTestAccuracies(List.of(a / 2, a * 0.9, a))
                .setRecipeKey("R")
                .build()
                .toByteArray();
    }

    /** Runs a model-based experiment to its end on {@code h}; returns its train requests in order. */
    private List<TrainRequest> modelRun(SamplerHandler h, ExperimentSpec spec) throws Exception {
        String id = spec.getExperimentId();
        List<ProducerRecord<byte[], byte[]>> out =
                scoreAll(h, id, candidates(h.onRecord(in(Topics.EXPERIMENTS, id, spec.toByteArray()), false)));
        List<TrainRequest> requests = new ArrayList<>();
        for (List<TrainRequest> next = decoded(out, Topics.TRAIN_REQUESTS, TrainRequest::parseFrom);
                !next.isEmpty();
                next = decoded(
                        h.onRecord(
                                in(
                                        Topics.TRAIN_RESULTS,
                                        id + "/" + next.get(0).getGenomeHash(),
                                        labResult(next.get(0))),
                                false),
                        Topics.TRAIN_REQUESTS,
                        TrainRequest::parseFrom)) {
            assertEquals(1, next.size());
            requests.add(next.get(0));
        }
        return requests;
    }

    /**
     * warm_start lab: an experiment of the same recipe after an earlier one fits its surrogate on
     * the earlier results from its first result on, so its second training is the model's choice
     * (not the proxy's second best, which the lab knows is poor); without it, the proxy's.
     */
    @Test
    void model_warmStartLab_startsTheSurrogateFromTheLabsEarlierResults() throws Exception {
        SamplerHandler lab = handler();
        lab.onCaughtUp();
        List<TrainRequest> earlier = modelRun(lab, modelSpec("la"));
        assertEquals(2, earlier.get(1).getRank(), "the earlier experiment trained the proxy's second best");
        ExperimentSpec warm = modelSpec("lb").toBuilder().setWarmStart("lab").build();
        List<TrainRequest> warmed = modelRun(lab, warm);
        SamplerHandler alone = handler();
        alone.onCaughtUp();
        List<TrainRequest> cold = modelRun(alone, warm);
        assertEquals(1, warmed.get(0).getRank(), "the proxy's best first, in both");
        assertEquals(2, cold.get(1).getRank(), "alone: the proxy's second best");
        assertTrue(warmed.get(1).getRank() != 2, "warm: the model's choice, " + warmed);
        assertEquals(4, warmed.size());
    }

    @Test
    void model_withoutRungs_isRefusedNamingWhatItNeeds() throws Exception {
        SamplerHandler h = handler();
        h.onCaughtUp();
        ExperimentSpec spec = spec("mr", 4).toBuilder().setStrategy("model").build();
        Report failed = decoded(
                        h.onRecord(in(Topics.EXPERIMENTS, "mr", spec.toByteArray()), false),
                        Topics.REPORTS,
                        Report::parseFrom)
                .get(0);
        assertEquals(Report.Phase.FAILED, failed.getPhase());
        assertTrue(failed.getFailureReason().contains("rung_epochs"), failed.getFailureReason());
    }

    /** Strategy warmup: the proxy's best three of the pool, and one random other. */
    @Test
    void warmup_trainsTheObjectivesBestAndOneRandomPick() throws Exception {
        SamplerHandler h = handler();
        h.onCaughtUp();
        ExperimentSpec spec = spec("wu", 4).toBuilder()
                .setStrategy("warmup")
                .setPopulation(12)
                .setGenerations(1)
                .build();
        List<CandidateMessage> gen = candidates(h.onRecord(in(Topics.EXPERIMENTS, "wu", spec.toByteArray()), false));
        assertEquals(12, gen.size());
        List<ProducerRecord<byte[], byte[]>> out = scoreAll(h, "wu", gen);
        List<TrainRequest> requests = decoded(out, Topics.TRAIN_REQUESTS, TrainRequest::parseFrom);
        List<Integer> ranks =
                requests.stream().map(TrainRequest::getRank).sorted().toList();
        assertEquals(4, ranks.size());
        assertEquals(List.of(1, 2, 3), ranks.subList(0, 3));
        assertTrue(ranks.get(3) > 3, ranks.toString());
    }

    /**
     * A sampler replaced mid-rung (after each result in turn) replays the topics and publishes
     * exactly what the uninterrupted one would have; one killed before publishing a result's
     * promotions publishes them after its restart, none twice.
     */
    @Test
    void halving_restartMidRung_losesNoRungAndRepeatsNoPromotion() throws Exception {
        List<TrainRequest> uninterrupted = halvingRun("shr", -1, false, new ArrayList<>());
        for (int cut = 1; cut <= 12; cut++) {
            assertEquals(
                    uninterrupted, halvingRun("shr", cut, false, new ArrayList<>()), "restart after result " + cut);
            List<TrainRequest> lost = halvingRun("shr", cut, true, new ArrayList<>());
            assertEquals(
                    java.util.Set.copyOf(uninterrupted), java.util.Set.copyOf(lost), "outputs lost at result " + cut);
            assertEquals(uninterrupted.size(), lost.size(), "nothing twice, outputs lost at result " + cut);
        }
    }

    /** A result whose accuracy follows the made-up SAHD of {@link #probedScore} (minus the sequence). */
    private static byte[] calibrationResult(TrainRequest r, long sequence) {
        return resultWithAccuracy(r, 0.9 - 0.01 * sequence);
    }

    /**
     * Objective calibrated: the first generation is measured, then its sample is trained while the
     * search waits; the last result picks the metric (the made-up SAHD, which the accuracies follow
     * exactly) and the next generation goes out with the choice in the report. A sampler restarted
     * while the sample trains publishes nothing twice and continues the same way.
     */
    @Test
    void calibrated_trainsTheSampleThenRanksByTheMetricThatPredictsAccuracy() throws Exception {
        ExperimentSpec spec = spec("ec", 0).toBuilder()
                .setObjective("calibrated")
                .setCalibrationSize(6)
                .build();
        List<ConsumerRecord<byte[], byte[]>> log = new ArrayList<>();
        SamplerHandler h = handler();
        h.onCaughtUp();
        ConsumerRecord<byte[], byte[]> specRecord = in(Topics.EXPERIMENTS, "ec", spec.toByteArray());
        log.add(specRecord);
        List<ProducerRecord<byte[], byte[]>> first = h.onRecord(specRecord, false);
        List<CandidateMessage> gen = candidates(first);
        Map<String, Long> sequence = new java.util.HashMap<>();
        List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>();
        for (CandidateMessage c : gen) {
            sequence.put(c.getGenomeHash(), c.getSequence());
            ConsumerRecord<byte[], byte[]> sc = in(Topics.SCORES, "ec/" + c.getGenomeHash(), probedScore(c));
            log.add(sc);
            out.addAll(h.onRecord(sc, false));
        }
        assertEquals(0, candidates(out).size(), "the search waits for the calibration");
        List<TrainRequest> sample = decoded(out, Topics.TRAIN_REQUESTS, TrainRequest::parseFrom);
        assertEquals(6, sample.size());
        assertTrue(sample.stream().allMatch(r -> r.getRank() == 0 && r.getEpochs() == 1), sample.toString());
        for (ProducerRecord<byte[], byte[]> r : out) {
            log.add(in(r.topic(), new String(r.key(), StandardCharsets.UTF_8), r.value()));
        }
        List<ConsumerRecord<byte[], byte[]>> results = new ArrayList<>();
        for (TrainRequest r : sample) {
            results.add(in(
                    Topics.TRAIN_RESULTS,
                    "ec/" + r.getGenomeHash(),
                    calibrationResult(r, sequence.get(r.getGenomeHash()))));
        }
        // Uninterrupted: the last result releases the next generation.
        SamplerHandler live = h;
        List<ProducerRecord<byte[], byte[]>> liveOut = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : results) {
            liveOut.addAll(live.onRecord(r, false));
        }
        List<CandidateMessage> second = candidates(liveOut);
        assertEquals(10, second.size());
        Report report = decoded(liveOut, Topics.REPORTS, Report::parseFrom).get(0);
        assertEquals(1, report.getCalibrationCount());
        var step = report.getCalibration(0);
        assertEquals("sahd", step.getMetric(), step.toString());
        assertEquals(0, step.getFromGeneration());
        assertEquals(6, step.getTrained());
        double sahdTau = step.getCorrelationsList().stream()
                .filter(c -> c.getMetric().equals("sahd"))
                .findFirst()
                .orElseThrow()
                .getKendallTauB();
        assertEquals(1.0, sahdTau, 1e-12);

        // Restarted after half the sample's results: the replay publishes no request again, and the
        // rest of the results continue the search exactly as above.
        SamplerHandler restarted = handler();
        for (ConsumerRecord<byte[], byte[]> r : log) {
            restarted.onRecord(r, true);
        }
        for (ConsumerRecord<byte[], byte[]> r : results.subList(0, 3)) {
            restarted.onRecord(r, true);
        }
        List<ProducerRecord<byte[], byte[]>> resumed = restarted.onCaughtUp();
        assertEquals(List.of(), decoded(resumed, Topics.TRAIN_REQUESTS, TrainRequest::parseFrom), "none twice");
        assertEquals(0, candidates(resumed).size());
        List<ProducerRecord<byte[], byte[]>> after = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : results.subList(3, 6)) {
            after.addAll(restarted.onRecord(r, false));
        }
        assertEquals(second, candidates(after));

        // Restarted after the choice was published: the stored scores are told with the recorded
        // choice, and the unscored second generation goes out again unchanged.
        SamplerHandler again = handler();
        for (ConsumerRecord<byte[], byte[]> r : log) {
            again.onRecord(r, true);
        }
        for (ConsumerRecord<byte[], byte[]> r : results) {
            again.onRecord(r, true);
        }
        again.onRecord(in(Topics.REPORTS, "ec", report.toByteArray()), true);
        assertEquals(second, candidates(again.onCaughtUp()));
    }

    /** Stopped while its calibration sample trains: nothing of the experiment stays held, late results change nothing. */
    @Test
    void calibrated_stopWhileTheSampleTrains_dropsTheWholeStateAndIgnoresLateResults() throws Exception {
        ExperimentSpec spec = spec("es", 0).toBuilder()
                .setObjective("calibrated")
                .setCalibrationSize(4)
                .build();
        SamplerHandler h = handler();
        h.onCaughtUp();
        List<CandidateMessage> gen = candidates(h.onRecord(in(Topics.EXPERIMENTS, "es", spec.toByteArray()), false));
        Map<String, Long> sequence = new java.util.HashMap<>();
        List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>();
        for (CandidateMessage c : gen) {
            sequence.put(c.getGenomeHash(), c.getSequence());
            out.addAll(h.onRecord(in(Topics.SCORES, "es/" + c.getGenomeHash(), probedScore(c)), false));
        }
        List<TrainRequest> sample = decoded(out, Topics.TRAIN_REQUESTS, TrainRequest::parseFrom);
        assertEquals(4, sample.size());
        ExperimentSpec stop = spec.toBuilder()
                .putOptions(dev.autost.messaging.codec.ExperimentPlan.STOPPED_OPTION, "true")
                .build();
        List<Report> stopped = decoded(
                h.onRecord(in(Topics.EXPERIMENTS, "es", stop.toByteArray()), false), Topics.REPORTS, Report::parseFrom);
        assertEquals(Report.Phase.STOPPED, stopped.get(0).getPhase());
        assertEquals(0, h.experimentsHeld(), "no search, calibration or training state left for a stopped experiment");
        for (TrainRequest r : sample) {
            assertEquals(
                    List.of(),
                    h.onRecord(
                            in(
                                    Topics.TRAIN_RESULTS,
                                    "es/" + r.getGenomeHash(),
                                    calibrationResult(r, sequence.get(r.getGenomeHash()))),
                            false));
        }
        assertEquals(0, h.experimentsHeld());
    }

    @Test
    void calibrated_sampleLargerThanTheFirstGeneration_refusedNamingTheField() throws Exception {
        SamplerHandler h = handler();
        h.onCaughtUp();
        ExperimentSpec spec = spec("ecx", 0).toBuilder()
                .setObjective("calibrated")
                .setCalibrationSize(11)
                .build();
        Report failed = reports(h.onRecord(in(Topics.EXPERIMENTS, "ecx", spec.toByteArray()), false))
                .get(0);
        assertEquals(Report.Phase.FAILED, failed.getPhase());
        assertTrue(failed.getFailureReason().contains("calibration_size"), failed.getFailureReason());
    }

    private static byte[] resultWithAccuracy(TrainRequest r, double acc) {
        return dev.autost.proto.v1.TrainResult.newBuilder()
                .setSchemaVersion(SchemaVersions.CURRENT)
                .setExperimentId(r.getExperimentId())
                .setGenomeHash(r.getGenomeHash())
                .setStatus(dev.autost.proto.v1.TrainResult.Status.OK)
                .setEpochs(r.getEpochs())
                .setTestAccuracy(acc)
                .addEpochTestAccuracies(acc)
                .build()
                .toByteArray();
    }

    /**
     * The sample's accuracies are all equal, so no metric predicts them and the first choice falls
     * back to flops_syops, saying why. The best of generation 1 is trained while the search goes
     * on; its result (worse than all, at the lowest made-up SAHD) is in before generation 3 is
     * asked, and the refit switches to SAHD from generation 3 on.
     */
    @Test
    void calibrated_laterResults_refitTheChoiceFromTheNextGenerationOn() throws Exception {
        ExperimentSpec spec = spec("er", 0).toBuilder()
                .setObjective("calibrated")
                .setCalibrationSize(6)
                .setGenerations(3)
                .build();
        SamplerHandler h = handler();
        h.onCaughtUp();
        List<CandidateMessage> gen = candidates(h.onRecord(in(Topics.EXPERIMENTS, "er", spec.toByteArray()), false));
        List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>();
        for (CandidateMessage c : gen) {
            out.addAll(h.onRecord(in(Topics.SCORES, "er/" + c.getGenomeHash(), probedScore(c)), false));
        }
        for (TrainRequest r : decoded(out, Topics.TRAIN_REQUESTS, TrainRequest::parseFrom)) {
            out = h.onRecord(in(Topics.TRAIN_RESULTS, "er/" + r.getGenomeHash(), resultWithAccuracy(r, 0.5)), false);
        }
        Report first = decoded(out, Topics.REPORTS, Report::parseFrom).get(0);
        assertEquals("flops_syops", first.getCalibration(0).getMetric());
        assertTrue(first.getCalibration(0).getNote().contains("no metric has a defined tau"), first.toString());
        // Generation 1 scored: its best goes to training, generation 2 goes out.
        List<ProducerRecord<byte[], byte[]>> next = new ArrayList<>();
        for (CandidateMessage c : candidates(out)) {
            next.addAll(h.onRecord(in(Topics.SCORES, "er/" + c.getGenomeHash(), probedScore(c)), false));
        }
        List<TrainRequest> best = decoded(next, Topics.TRAIN_REQUESTS, TrainRequest::parseFrom);
        assertEquals(1, best.size());
        assertEquals(0, best.get(0).getRank());
        assertEquals(10, candidates(next).size());
        assertTrue(h.onRecord(
                        in(
                                Topics.TRAIN_RESULTS,
                                "er/" + best.get(0).getGenomeHash(),
                                resultWithAccuracy(best.get(0), 0.1)),
                        false)
                .isEmpty());
        List<ProducerRecord<byte[], byte[]>> third = new ArrayList<>();
        for (CandidateMessage c : candidates(next)) {
            third.addAll(h.onRecord(in(Topics.SCORES, "er/" + c.getGenomeHash(), probedScore(c)), false));
        }
        Report refitted = decoded(third, Topics.REPORTS, Report::parseFrom).get(0);
        assertEquals(
                2, refitted.getCalibrationCount(), refitted.getCalibrationList().toString());
        assertEquals(3, refitted.getCalibration(1).getFromGeneration());
        assertEquals("sahd", refitted.getCalibration(1).getMetric());
        assertEquals(7, refitted.getCalibration(1).getTrained());
    }

    /**
     * Calibrated with successive halving and a budget of 12 epochs: the calibration (4 of the first
     * generation, then the best of generation 1) and the halving together stay within it, the
     * halving taking what the calibration leaves (a calibrated entrant's first rung counted once).
     */
    @Test
    void calibrated_withHalvingAndABudget_wholeTrainingFitsTheBudget() throws Exception {
        ExperimentSpec spec = spec("eb", 0).toBuilder()
                .setObjective("calibrated")
                .setCalibrationSize(4)
                .setTrainSelection("top-k")
                .setEpochs(0)
                .addRungEpochs(1)
                .addRungEpochs(3)
                .setEta(3)
                .setTrainBudgetEpochs(12)
                .build();
        SamplerHandler h = handler();
        h.onCaughtUp();
        java.util.ArrayDeque<ProducerRecord<byte[], byte[]>> pending =
                new java.util.ArrayDeque<>(h.onRecord(in(Topics.EXPERIMENTS, "eb", spec.toByteArray()), false));
        java.util.ArrayDeque<TrainRequest> trainers = new java.util.ArrayDeque<>();
        Map<String, Integer> lastRequest = new java.util.HashMap<>();
        Report last = null;
        while (!pending.isEmpty() || !trainers.isEmpty()) {
            if (pending.isEmpty()) {
                TrainRequest r = trainers.poll();
                pending.addAll(h.onRecord(in(Topics.TRAIN_RESULTS, "eb/" + r.getGenomeHash(), trained(r)), false));
                continue;
            }
            ProducerRecord<byte[], byte[]> r = pending.poll();
            switch (r.topic()) {
                case Topics.CANDIDATES -> {
                    CandidateMessage c = CandidateMessage.parseFrom(r.value());
                    pending.addAll(h.onRecord(in(Topics.SCORES, "eb/" + c.getGenomeHash(), probedScore(c)), false));
                }
                case Topics.TRAIN_REQUESTS -> {
                    TrainRequest q = TrainRequest.parseFrom(r.value());
                    trainers.add(q);
                    lastRequest.merge(q.getGenomeHash(), q.getEpochs(), Math::max);
                }
                case Topics.REPORTS -> last = Report.parseFrom(r.value());
                default -> {}
            }
        }
        assertEquals(Report.Phase.SEARCH_DONE, last.getPhase());
        assertFalse(last.getTrainingOpen());
        int spent = lastRequest.values().stream().mapToInt(Integer::intValue).sum();
        assertEquals(spent, last.getTrainEpochsRequested(), last.toString());
        assertTrue(spent <= 12 && spent >= 10, "spent " + spent + " of 12: " + lastRequest);
        assertTrue(last.getTrainBudgetEpochs() <= 12, last.toString());
    }

    private static SamplerHandler handler(int maxRunning) {
        return new SamplerHandler(
                new DeadLetters(SamplerHandler.SERVICE, Clock.systemUTC()),
                dev.autost.observability.AutostMeters.noop(),
                SamplerLimits.DEFAULTS.withMaxRunningExperiments(maxRunning));
    }

    /** Scores every candidate of {@code gen} of experiment {@code id}; the handler's outputs. */
    private List<ProducerRecord<byte[], byte[]>> scoreAll(SamplerHandler h, String id, List<CandidateMessage> gen) {
        List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>();
        for (CandidateMessage c : gen) {
            out.addAll(h.onRecord(in(Topics.SCORES, id + "/" + c.getGenomeHash(), score(c)), false));
        }
        return out;
    }

    /** A full queue refuses the next experiment at once instead of holding specs without bound. */
    @Test
    void maxQueued_experimentBeyondAFullQueue_deadLetteredAndFailedNamingTheLimit() throws Exception {
        SamplerHandler h = new SamplerHandler(
                new DeadLetters(SamplerHandler.SERVICE, Clock.systemUTC()),
                dev.autost.observability.AutostMeters.noop(),
                new SamplerLimits(1, 2_000, 2));
        h.onCaughtUp();
        h.onRecord(in(Topics.EXPERIMENTS, "a", spec("a", 0).toByteArray()), false);
        assertTrue(reports(h.onRecord(in(Topics.EXPERIMENTS, "b", spec("b", 0).toByteArray()), false))
                .get(0)
                .getQueued());
        assertTrue(reports(h.onRecord(in(Topics.EXPERIMENTS, "c", spec("c", 0).toByteArray()), false))
                .get(0)
                .getQueued());

        List<ProducerRecord<byte[], byte[]>> out =
                h.onRecord(in(Topics.EXPERIMENTS, "d", spec("d", 0).toByteArray()), false);

        assertEquals(Topics.DEAD_LETTERS, out.get(0).topic());
        Report failed = reports(out).get(0);
        assertEquals("d", failed.getExperimentId());
        assertEquals(Report.Phase.FAILED, failed.getPhase());
        assertTrue(
                failed.getFailureReason().startsWith("the queue is full: 2 experiments wait")
                        && failed.getFailureReason().contains("--max-queued-experiments"),
                failed.getFailureReason());
        assertTrue(candidates(out).isEmpty());
    }

    @Test
    void maxRunning_laterExperimentWaitsQueued_andStartsWhenTheRunningSearchEnds() throws Exception {
        var meters = dev.autost.observability.AutostMeters.noop();
        SamplerHandler h = new SamplerHandler(
                new DeadLetters(SamplerHandler.SERVICE, Clock.systemUTC()),
                meters,
                SamplerLimits.DEFAULTS.withMaxRunningExperiments(1));
        h.onCaughtUp();
        List<CandidateMessage> gen =
                candidates(h.onRecord(in(Topics.EXPERIMENTS, "a", spec("a", 0).toByteArray()), false));
        assertEquals(10, gen.size());
        List<ProducerRecord<byte[], byte[]>> second =
                h.onRecord(in(Topics.EXPERIMENTS, "b", spec("b", 0).toByteArray()), false);
        assertTrue(candidates(second).isEmpty(), "b waits");
        Report queued = decoded(second, Topics.REPORTS, Report::parseFrom).get(0);
        assertEquals(Report.Phase.RUNNING, queued.getPhase());
        assertTrue(queued.getQueued());
        assertEquals(1, meters.samplerExperiments("running"));
        assertEquals(1, meters.samplerExperiments("queued"));

        List<ProducerRecord<byte[], byte[]>> out = scoreAll(h, "a", gen);
        while (candidates(out).stream().allMatch(c -> c.getExperimentId().equals("a"))) {
            assertFalse(candidates(out).isEmpty(), "a's search ended without b starting");
            out = scoreAll(h, "a", candidates(out)); // until a's search ends: then b starts
        }
        assertEquals(
                Report.Phase.SEARCH_DONE,
                decoded(out, Topics.REPORTS, Report::parseFrom).stream()
                        .filter(r -> r.getExperimentId().equals("a"))
                        .findFirst()
                        .orElseThrow()
                        .getPhase());
        List<CandidateMessage> b = candidates(out);
        assertEquals(10, b.size());
        assertTrue(b.stream().allMatch(c -> c.getExperimentId().equals("b")));
        assertEquals(1, h.runsHeld());
        assertEquals(1, meters.samplerExperiments("running"), "b took a's slot");
        assertEquals(0, meters.samplerExperiments("queued"));
    }

    @Test
    void inFlightBound_generationGoesOutAsScoresComeBack_eachCandidateOnce() throws Exception {
        SamplerHandler h = new SamplerHandler(
                new DeadLetters(SamplerHandler.SERVICE, Clock.systemUTC()),
                dev.autost.observability.AutostMeters.noop(),
                new SamplerLimits(1, 3));
        h.onCaughtUp();
        List<CandidateMessage> out =
                candidates(h.onRecord(in(Topics.EXPERIMENTS, "a", spec("a", 0).toByteArray()), false));
        assertEquals(3, out.size(), "three of the first generation's ten out at first");
        Deque<CandidateMessage> inFlight = new ArrayDeque<>(out);
        Set<String> firstGeneration = new HashSet<>();
        out.forEach(c -> firstGeneration.add(c.getGenomeHash()));
        for (int scored = 1; scored < 10; scored++) {
            CandidateMessage c = inFlight.poll();
            List<CandidateMessage> next =
                    candidates(h.onRecord(in(Topics.SCORES, "a/" + c.getGenomeHash(), score(c)), false));
            assertTrue(next.size() <= 1, "a score frees one place: " + next.size());
            next.forEach(n -> assertTrue(firstGeneration.add(n.getGenomeHash()), "each published once"));
            inFlight.addAll(next);
        }
        assertEquals(10, firstGeneration.size(), "the whole generation went out");
        assertEquals(1, inFlight.size());
        CandidateMessage last = inFlight.poll();
        List<CandidateMessage> second =
                candidates(h.onRecord(in(Topics.SCORES, "a/" + last.getGenomeHash(), score(last)), false));
        assertEquals(3, second.size(), "the next generation goes out three at a time too");
    }

    @Test
    void inFlightBound_afterARestart_unscoredGoOutUnderTheBound_andAScoreOfAHeldOneKeepsItBack() throws Exception {
        SamplerHandler live = handler();
        live.onCaughtUp();
        List<CandidateMessage> gen = candidates(
                live.onRecord(in(Topics.EXPERIMENTS, "a", spec("a", 0).toByteArray()), false));
        assertEquals(10, gen.size(), "published whole before the restart (bound 2 000)");

        SamplerHandler restarted = new SamplerHandler(
                new DeadLetters(SamplerHandler.SERVICE, Clock.systemUTC()),
                dev.autost.observability.AutostMeters.noop(),
                new SamplerLimits(1, 3));
        restarted.onRecord(in(Topics.EXPERIMENTS, "a", spec("a", 0).toByteArray()), true);
        restarted.onRecord(in(Topics.SCORES, "a/" + gen.get(0).getGenomeHash(), score(gen.get(0))), true);
        List<CandidateMessage> again = candidates(restarted.onCaughtUp());
        assertEquals(gen.subList(1, 4), again, "three of the nine unscored");

        // The scorer had gen[9] from before the restart: its score frees a place, and gen[9] is
        // not published again.
        Set<String> firstGeneration = new HashSet<>();
        gen.forEach(c -> firstGeneration.add(c.getGenomeHash()));
        Set<String> published = new HashSet<>();
        again.forEach(c -> published.add(c.getGenomeHash()));
        List<CandidateMessage> toScore = new ArrayList<>(again);
        toScore.add(gen.get(9));
        for (int i = 0; i < toScore.size(); i++) {
            CandidateMessage c = toScore.get(i);
            for (CandidateMessage next :
                    candidates(restarted.onRecord(in(Topics.SCORES, "a/" + c.getGenomeHash(), score(c)), false))) {
                if (firstGeneration.contains(next.getGenomeHash())) { // not the next generation's
                    assertTrue(published.add(next.getGenomeHash()), "published once: " + next.getGenomeHash());
                    toScore.add(next);
                }
            }
        }
        assertFalse(published.contains(gen.get(9).getGenomeHash()), "scored before the restart, not sent again");
        assertEquals(8, published.size(), "the other eight unscored ones");
    }

    @Test
    void stopWhileQueued_reportsStoppedAndNeverStarts() throws Exception {
        SamplerHandler h = handler(1);
        h.onCaughtUp();
        List<CandidateMessage> gen =
                candidates(h.onRecord(in(Topics.EXPERIMENTS, "a", spec("a", 0).toByteArray()), false));
        h.onRecord(in(Topics.EXPERIMENTS, "b", spec("b", 0).toByteArray()), false);
        ExperimentSpec stop = spec("b", 0).toBuilder()
                .putOptions(dev.autost.messaging.codec.ExperimentPlan.STOPPED_OPTION, "true")
                .build();
        List<ProducerRecord<byte[], byte[]>> out = h.onRecord(in(Topics.EXPERIMENTS, "b", stop.toByteArray()), false);
        assertEquals(
                Report.Phase.STOPPED,
                decoded(out, Topics.REPORTS, Report::parseFrom).get(0).getPhase());
        out = scoreAll(h, "a", gen);
        while (!candidates(out).isEmpty()) {
            assertTrue(
                    candidates(out).stream().noneMatch(c -> c.getExperimentId().equals("b")), "b never starts");
            out = scoreAll(h, "a", candidates(out));
        }
        assertEquals(0, h.runsHeld(), "a ended; nothing else runs");
    }

    @Test
    void restart_begunSearchResumes_notBegunOneIsQueuedAgainBeyondTheBound() throws Exception {
        SamplerHandler live = handler(1);
        live.onCaughtUp();
        List<CandidateMessage> gen = candidates(
                live.onRecord(in(Topics.EXPERIMENTS, "a", spec("a", 0).toByteArray()), false));
        live.onRecord(in(Topics.EXPERIMENTS, "b", spec("b", 0).toByteArray()), false);

        SamplerHandler restarted = handler(1);
        restarted.onRecord(in(Topics.EXPERIMENTS, "b", spec("b", 0).toByteArray()), true); // b's spec first
        restarted.onRecord(in(Topics.EXPERIMENTS, "a", spec("a", 0).toByteArray()), true);
        CandidateMessage c = gen.get(0);
        restarted.onRecord(in(Topics.SCORES, "a/" + c.getGenomeHash(), score(c)), true);
        List<ProducerRecord<byte[], byte[]>> out = restarted.onCaughtUp();
        assertEquals(9, candidates(out).size(), "a's unscored candidates again");
        assertTrue(candidates(out).stream().allMatch(x -> x.getExperimentId().equals("a")));
        assertTrue(decoded(out, Topics.REPORTS, Report::parseFrom).stream()
                .anyMatch(r -> r.getExperimentId().equals("b") && r.getQueued()));
        assertEquals(1, restarted.runsHeld());
    }
}
