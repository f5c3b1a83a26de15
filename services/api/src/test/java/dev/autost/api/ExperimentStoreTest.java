package dev.autost.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.autost.domain.genome.Genome;
import dev.autost.domain.space.SearchSpaces;
import dev.autost.messaging.Topics;
import dev.autost.messaging.codec.ExperimentPlan;
import dev.autost.messaging.codec.GenomeMessages;
import dev.autost.messaging.codec.ScoreMessages;
import dev.autost.proto.SchemaVersions;
import dev.autost.proto.v1.ExperimentSpec;
import dev.autost.proto.v1.Report;
import dev.autost.proto.v1.Score;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** The read model's handling of finished experiments: summary kept, scores dropped or skipped. */
class ExperimentStoreTest {
    private long offset;

    private ConsumerRecord<byte[], byte[]> in(String topic, String key, byte[] value) {
        return new ConsumerRecord<>(topic, 0, offset++, key.getBytes(StandardCharsets.UTF_8), value);
    }

    /** Candidate i: a one-block network of width 8 (i + 1), FLOPs i (higher is better). */
    private static Score score(int i) {
        Genome g = Genome.uniform(1, 4, 1, 8 * (i + 1));
        return Score.newBuilder()
                .setSchemaVersion(SchemaVersions.CURRENT)
                .setExperimentId("e")
                .setGenomeHash(g.hash())
                .setGenome(GenomeMessages.toProto(g))
                .setFlopsSyops(i)
                .setSequence(i)
                .build();
    }

    /** The evaluator's final report listing candidates {@code listed}, of {@code scored} scored. */
    private static Report finished(int scored, int... listed) {
        Report.Builder r = Report.newBuilder()
                .setSchemaVersion(SchemaVersions.CURRENT)
                .setExperimentId("e")
                .setSource("evaluator")
                .setPhase(Report.Phase.FINISHED)
                .setCandidatesScored(scored);
        for (int i : listed) {
            r.addTop(ScoreMessages.ranked(score(i)));
        }
        return r.build();
    }

    private void scored(ExperimentStore store, int n) {
        for (int i = 0; i < n; i++) {
            Score s = score(i);
            store.onRecord(in(Topics.SCORES, Topics.genomeKey("e", s.getGenomeHash()), s.toByteArray()), false);
        }
    }

    private static List<String> ranked(ExperimentStore.Experiment e) {
        return e.ranking().stream().map(r -> r.score().getGenomeHash()).toList();
    }

    @Test
    void phase_submittedUntilTheSamplersFirstReport_thenQueuedOrRunningAsItSays() {
        ExperimentStore store = new ExperimentStore();
        ExperimentSpec spec = ExperimentPlan.specBuilder(
                        "e", SearchSpaces.builtIn("fashion-micro"), "evolution", 1, 10, 1, 0)
                .build();
        store.onRecord(in(Topics.EXPERIMENTS, Topics.experimentKey("e"), spec.toByteArray()), false);
        ExperimentStore.Experiment e = store.experiment("e").orElseThrow();
        assertEquals(Report.Phase.PHASE_UNSPECIFIED, e.phase(), "no sampler has taken it yet");
        assertEquals("submitted", ApiResponses.summary(e, 0).getString("phase"));

        store.onRecord(
                in(
                        Topics.REPORTS,
                        Topics.experimentKey("e"),
                        samplerReport(true).toByteArray()),
                false);
        assertEquals("queued", ApiResponses.summary(e, 0).getString("phase"));
        store.onRecord(
                in(
                        Topics.REPORTS,
                        Topics.experimentKey("e"),
                        samplerReport(false).toByteArray()),
                false);
        assertEquals("running", ApiResponses.summary(e, 0).getString("phase"));
    }

    private ConsumerRecord<byte[], byte[]> at(long timestampMs, String topic, String key, byte[] value) {
        return new ConsumerRecord<>(
                topic,
                0,
                offset++,
                timestampMs,
                org.apache.kafka.common.record.TimestampType.CREATE_TIME,
                -1,
                -1,
                key.getBytes(StandardCharsets.UTF_8),
                value,
                new org.apache.kafka.common.header.internals.RecordHeaders(),
                java.util.Optional.empty());
    }

    /**
     * A search done with trainings nobody takes (serve without a trainer) said only search_done,
     * 0/2 for ever: after two minutes without a sign of its trainings it says it waits for a
     * trainer, and stops saying so once a trainer reports progress.
     */
    @Test
    void waitingFor_searchDoneAndNoTrainingSignForTwoMinutes_saysATrainer_untilProgressArrives() {
        ExperimentStore store = new ExperimentStore();
        ExperimentSpec spec = ExperimentPlan.specBuilder(
                        "e", SearchSpaces.builtIn("fashion-micro"), "evolution", 1, 10, 1, 0)
                .setTrainTopK(2)
                .build();
        long t = 1_000_000;
        store.onRecord(at(t, Topics.EXPERIMENTS, Topics.experimentKey("e"), spec.toByteArray()), false);
        Report done = samplerReport(false).toBuilder()
                .setPhase(Report.Phase.SEARCH_DONE)
                .setTrainExpected(2)
                .build();
        store.onRecord(at(t, Topics.REPORTS, Topics.experimentKey("e"), done.toByteArray()), false);
        ExperimentStore.Experiment e = store.experiment("e").orElseThrow();

        assertFalse(ApiResponses.summary(e, t + 119_000).containsKey("waiting_for"), "not yet");
        String waiting = ApiResponses.summary(e, t + 121_000).getString("waiting_for");
        assertTrue(
                waiting != null && waiting.startsWith("a trainer: 2 of 2 train requests not taken for 121 s"), waiting);
        assertEquals("search_done", ApiResponses.summary(e, t + 121_000).getString("phase"));

        dev.autost.proto.v1.TrainProgress progress = dev.autost.proto.v1.TrainProgress.newBuilder()
                .setSchemaVersion(SchemaVersions.CURRENT)
                .setExperimentId("e")
                .setGenomeHash("abc")
                .setEpoch(1)
                .setEpochs(1)
                .build();
        store.onRecord(at(t + 130_000, Topics.TRAIN_PROGRESS, "e/abc", progress.toByteArray()), false);
        assertFalse(ApiResponses.summary(e, t + 140_000).containsKey("waiting_for"), "a trainer took one");
    }

    /**
     * Train results and progress of ids no spec announced made experiments that stayed for good;
     * live they are skipped, and on a replay (where the spec may come later) they are dropped at
     * the end unless a spec came.
     */
    @Test
    void trainRecordsOfUnannouncedIds_makeNoPhantomExperiments_butReplayedOnesWaitForTheirSpec() {
        ExperimentStore store = new ExperimentStore();
        byte[] result = dev.autost.proto.v1.TrainResult.newBuilder()
                .setSchemaVersion(SchemaVersions.CURRENT)
                .setExperimentId("ghost")
                .setGenomeHash("abc")
                .build()
                .toByteArray();
        store.onRecord(in(Topics.TRAIN_RESULTS, "ghost/abc", result), false);
        assertTrue(store.experiment("ghost").isEmpty(), "live: no phantom");

        ExperimentStore replayed = new ExperimentStore();
        replayed.onRecord(in(Topics.TRAIN_RESULTS, "ghost/abc", result), true);
        byte[] late = dev.autost.proto.v1.TrainResult.newBuilder()
                .setSchemaVersion(SchemaVersions.CURRENT)
                .setExperimentId("e")
                .setGenomeHash("abc")
                .build()
                .toByteArray();
        replayed.onRecord(in(Topics.TRAIN_RESULTS, "e/abc", late), true);
        ExperimentSpec spec = ExperimentPlan.specBuilder(
                        "e", SearchSpaces.builtIn("fashion-micro"), "evolution", 1, 10, 1, 0)
                .build();
        replayed.onRecord(in(Topics.EXPERIMENTS, Topics.experimentKey("e"), spec.toByteArray()), true);
        replayed.onCaughtUp();
        assertTrue(replayed.experiment("ghost").isEmpty(), "dropped after the replay: no spec came");
        assertEquals(1, replayed.experiment("e").orElseThrow().results().size(), "its spec came after its result");
    }

    private static Report samplerReport(boolean queued) {
        return Report.newBuilder()
                .setSchemaVersion(SchemaVersions.CURRENT)
                .setExperimentId("e")
                .setSource("sampler")
                .setPhase(Report.Phase.RUNNING)
                .setQueued(queued)
                .build();
    }

    @Test
    void finalReport_liveExperimentKeepsTheSummarysCandidatesOnly_andIgnoresLaterScores() {
        ExperimentStore store = new ExperimentStore();
        scored(store, 6);
        ExperimentStore.Experiment e = store.experiment("e").orElseThrow();
        assertEquals(6, e.kept());
        store.onRecord(
                in(Topics.REPORTS, Topics.evaluationKey("e"), finished(6, 5, 4).toByteArray()), false);

        assertTrue(e.summarised());
        assertEquals(2, e.kept());
        assertEquals(6, e.scored(), "the evaluator's count");
        assertEquals(List.of(score(5).getGenomeHash(), score(4).getGenomeHash()), ranked(e));
        assertEquals(score(5), e.score(score(5).getGenomeHash()).orElseThrow(), "the score held, not a rebuilt one");
        assertTrue(e.score(score(0).getGenomeHash()).isEmpty());

        Score late = score(7);
        store.onRecord(in(Topics.SCORES, Topics.genomeKey("e", late.getGenomeHash()), late.toByteArray()), false);
        assertEquals(2, e.kept());
    }

    @Test
    void replay_finalReportFirst_summaryStandsInForTheScores_whichAreSkippedUndecoded() {
        ExperimentStore store = new ExperimentStore();
        assertEquals(List.of(Topics.REPORTS), store.replayFirst());
        store.onRecord(
                in(
                        Topics.REPORTS,
                        Topics.evaluationKey("e"),
                        finished(1000, 3, 1).toByteArray()),
                true);
        store.onRecord(in(Topics.SCORES, "e/bad", new byte[] {1, 2, 3}), true);
        scored(store, 5);

        ExperimentStore.Experiment e = store.experiment("e").orElseThrow();
        assertEquals(0, store.skipped(), "the bad record was not decoded");
        assertEquals(2, e.kept());
        assertEquals(1000, e.scored());
        assertEquals(List.of(score(3).getGenomeHash(), score(1).getGenomeHash()), ranked(e));
        assertEquals(
                score(3).getGenome(),
                e.score(score(3).getGenomeHash()).orElseThrow().getGenome());
        assertTrue(e.evaluation().orElseThrow().getTopList().isEmpty(), "the summary is held once, as scores");
    }

    @Test
    void ranking_reusedUntilSomethingChanges() {
        ExperimentStore store = new ExperimentStore();
        scored(store, 3);
        ExperimentStore.Experiment e = store.experiment("e").orElseThrow();
        List<?> first = e.ranking();
        assertSame(first, e.ranking());
        Score s = score(3);
        store.onRecord(in(Topics.SCORES, Topics.genomeKey("e", s.getGenomeHash()), s.toByteArray()), false);
        assertNotSame(first, e.ranking());
        assertEquals(4, e.ranking().size());
        assertFalse(e.summarised());
    }

    @Test
    void forExperiment_keepsEveryScoreOfThatOneEvenFinished_andSkipsOthers() {
        ExperimentStore store = ExperimentStore.forExperiment("e");
        store.onRecord(
                in(Topics.REPORTS, Topics.evaluationKey("e"), finished(5, 4).toByteArray()), true);
        scored(store, 5);
        Score other = score(1).toBuilder().setExperimentId("f").build();
        store.onRecord(in(Topics.SCORES, Topics.genomeKey("f", other.getGenomeHash()), other.toByteArray()), true);

        assertEquals(
                List.of("e"),
                store.experiments().stream().map(ExperimentStore.Experiment::id).toList());
        ExperimentStore.Experiment e = store.experiment("e").orElseThrow();
        assertFalse(e.summarised());
        assertEquals(5, e.kept());
        assertEquals(Report.Phase.FINISHED, e.phase());
    }
}
