package dev.autost.prober;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.autost.domain.genome.Genome;
import dev.autost.domain.space.SearchSpaces;
import dev.autost.messaging.CommittingLoop;
import dev.autost.messaging.DeadLetters;
import dev.autost.messaging.ExperimentCache;
import dev.autost.messaging.Topics;
import dev.autost.messaging.codec.ExperimentPlan;
import dev.autost.messaging.codec.ScoreMessages;
import dev.autost.observability.AutostMeters;
import dev.autost.proto.v1.DeadLetter;
import dev.autost.proto.v1.Score;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** The prober's choices per score, with a stand-in probe (the real one is in {@link ProberVerticleIT}). */
class ProbingHandlerTest {
    private static final Genome GENOME = new Genome(1, List.of(2.0), List.of(4), 32, 0);
    private static final Map<String, Double> MEASURED = Map.of("sahd", 7.0, "naswot", 5.0, "energy_init_pj", 3.0);

    private final ExperimentCache plans = new ExperimentCache();
    private final List<Genome> probed = new ArrayList<>();
    private RuntimeException failure;
    private final ProbingHandler handler = new ProbingHandler(
            null,
            plans,
            (plan, genome) -> {
                probed.add(genome);
                if (failure != null) {
                    throw failure;
                }
                return MEASURED;
            },
            new DeadLetters(ProberVerticle.SERVICE, Clock.systemUTC()),
            AutostMeters.noop(),
            "cpu");
    private long offset;

    ProbingHandlerTest() {
        plans.put("sahd-exp", plan("sahd-exp", "sahd"));
        plans.put("flops-exp", plan("flops-exp", ""));
    }

    private static ExperimentPlan plan(String id, String objective) {
        return ExperimentPlan.fromSpec(
                ExperimentPlan.specBuilder(id, SearchSpaces.builtIn("fashion-micro"), "evolution", 1, 4, 1, 0)
                        .setObjective(objective)
                        .build());
    }

    private static Score score(String experiment) {
        return FashionMicroScores.score(experiment, GENOME);
    }

    private List<ProducerRecord<byte[], byte[]>> handle(Score s) {
        return handle(s.toByteArray());
    }

    private List<ProducerRecord<byte[], byte[]>> handle(byte[] value) {
        TopicPartition p = new TopicPartition(Topics.SCORES, 0);
        ConsumerRecord<byte[], byte[]> r =
                new ConsumerRecord<>(Topics.SCORES, 0, offset++, "k".getBytes(StandardCharsets.UTF_8), value);
        return handler.handle(new ConsumerRecords<>(Map.of(p, List.of(r)), Map.of()), new CommittingLoop.Context() {
            @Override
            public boolean running() {
                return true;
            }

            @Override
            public void publish(ProducerRecord<byte[], byte[]> record) {}
        });
    }

    @Test
    void handle_scoreOfAProbeObjective_isPublishedAgainWithTheProbeMetrics() throws Exception {
        List<ProducerRecord<byte[], byte[]>> out = handle(score("sahd-exp"));
        assertEquals(1, out.size());
        assertEquals(Topics.SCORES, out.get(0).topic());
        assertEquals("sahd-exp/" + GENOME.hash(), new String(out.get(0).key(), StandardCharsets.UTF_8));
        Score enriched = Score.parseFrom(out.get(0).value());
        assertEquals(MEASURED, ScoreMessages.probes(enriched));
        assertEquals(score("sahd-exp").getFlopsSyops(), enriched.getFlopsSyops(), "the cost model's figures stay");
        assertEquals(List.of(GENOME), probed);
    }

    @Test
    void handle_probedScore_passesWithoutOutput() {
        assertTrue(handle(ScoreMessages.probed(score("sahd-exp"), MEASURED)).isEmpty(), "its own output comes back");
        assertTrue(probed.isEmpty());
    }

    @Test
    void handle_costObjective_isNotProbed() {
        assertTrue(handle(score("flops-exp")).isEmpty());
        assertTrue(probed.isEmpty());
    }

    @Test
    void handle_undecodableOrUnknownExperiment_isLeftToTheSamplerAndEvaluator() {
        assertTrue(handle(new byte[] {(byte) 0xff, 1, 2}).isEmpty());
        assertTrue(handle(score("nobody")).isEmpty());
        assertTrue(probed.isEmpty());
    }

    @Test
    void handle_probeFails_deadLettersTheReasonAndPublishesTheCandidateRankedLast() throws Exception {
        failure = new IllegalArgumentException("cifar10 needs --data-dir");
        List<ProducerRecord<byte[], byte[]>> out = handle(score("sahd-exp"));
        assertEquals(2, out.size(), out.toString());
        DeadLetter dead = DeadLetter.parseFrom(out.get(0).value());
        assertEquals(Topics.DEAD_LETTERS, out.get(0).topic());
        assertTrue(dead.getReason().contains("cifar10 needs --data-dir"), dead.getReason());
        Score last = Score.parseFrom(out.get(1).value());
        assertEquals(Double.NEGATIVE_INFINITY, last.getExtraOrThrow("sahd"));
        assertEquals(1.0, last.getExtraOrThrow(ProbingHandler.PROBE_FAILED));
        assertTrue(ScoreMessages.isProbed(last), "the sampler can tell it and go on");
        assertTrue(handle(last).isEmpty(), "not probed again");
    }

    @Test
    void handle_candidateOutsideTheProbeGate_isNotProbed() {
        assertTrue(
                handle(score("sahd-exp").toBuilder().setSkipProbe(true).build()).isEmpty());
        assertTrue(probed.isEmpty());
    }
}
