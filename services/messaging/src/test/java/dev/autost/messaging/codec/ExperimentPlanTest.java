package dev.autost.messaging.codec;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ExperimentPlanTest {
    @Test
    void isValidId_onePlainPathSegment_isAccepted() {
        assertTrue(ExperimentPlan.isValidId("exp-1a2b3c"));
        assertTrue(ExperimentPlan.isValidId("study-small-42-1764400000000-random"));
        assertTrue(ExperimentPlan.isValidId("a.b"));
    }

    /** Trainers name checkpoint folders after the id: nothing may leave the checkpoint root. */
    @Test
    void isValidId_separatorsTraversalAndControlCharacters_areRefused() {
        for (String id : new String[] {"", ".", "..", "a/b", "/etc", "..\\x", "a\nb", "a\u0000b", "x".repeat(201)}) {
            assertFalse(ExperimentPlan.isValidId(id), "'" + id + "'");
        }
        assertFalse(ExperimentPlan.isValidId(null));
    }

    private static dev.autost.proto.v1.ExperimentSpec.Builder spec() {
        return ExperimentPlan.specBuilder(
                "e", dev.autost.domain.space.SearchSpaces.builtIn("small"), "evolution", 1, 10, 2, 0);
    }

    /**
     * Values no API would accept can still arrive on Kafka; a population of two billion used to
     * be accepted and would have stopped the sampler on every replay.
     */
    @Test
    void fromSpec_absurdSizesFromKafka_refusedNamingTheField() {
        for (var c : java.util.List.of(
                java.util.Map.entry(
                        spec().setPopulation(2_000_000_000), "population must be at most 100000, got 2000000000"),
                java.util.Map.entry(spec().setPopulation(-1), "population must be at most 100000, got 4294967295"),
                java.util.Map.entry(spec().setGenerations(1_000_000), "generations must be at most 10000"),
                java.util.Map.entry(spec().setTrainTopK(50_000), "train_top_k must be at most 10000"),
                java.util.Map.entry(spec().setEpochs(-5), "epochs must be at most 10000"))) {
            ExperimentPlan.InvalidExperimentException e = org.junit.jupiter.api.Assertions.assertThrows(
                    ExperimentPlan.InvalidExperimentException.class,
                    () -> ExperimentPlan.fromSpec(c.getKey().build()));
            assertTrue(e.getMessage().startsWith(c.getValue()), e.getMessage());
        }
        ExperimentPlan.fromSpec(spec().setPopulation(100_000).setGenerations(5).build());
    }

    @Test
    void fromSpec_rungMetric_tseRanksTheRungs_withoutRungsOrUnknownIsRefused() {
        ExperimentPlan tse = ExperimentPlan.fromSpec(spec().setEpochs(0)
                .addRungEpochs(1)
                .addRungEpochs(3)
                .setTrainTopK(3)
                .setRungMetric("tse")
                .build());
        assertTrue(tse.halving().orElseThrow().metric() == dev.autost.domain.fidelity.RungMetric.TSE);
        ExperimentPlan.InvalidExperimentException none = org.junit.jupiter.api.Assertions.assertThrows(
                ExperimentPlan.InvalidExperimentException.class,
                () -> ExperimentPlan.fromSpec(spec().setRungMetric("tse").build()));
        assertTrue(none.getMessage().contains("rung_metric needs rung_epochs"), none.getMessage());
        ExperimentPlan.InvalidExperimentException unknown = org.junit.jupiter.api.Assertions.assertThrows(
                ExperimentPlan.InvalidExperimentException.class,
                () -> ExperimentPlan.fromSpec(spec().setEpochs(0)
                        .addRungEpochs(1)
                        .setTrainTopK(3)
                        .setRungMetric("loss")
                        .build()));
        assertTrue(unknown.getMessage().contains("is not one of accuracy, tse"), unknown.getMessage());
    }

    @Test
    void fromSpec_warmStartLab_needsStrategyModel() {
        ExperimentPlan.InvalidExperimentException e = org.junit.jupiter.api.Assertions.assertThrows(
                ExperimentPlan.InvalidExperimentException.class,
                () -> ExperimentPlan.fromSpec(spec().setWarmStart("lab").build()));
        assertTrue(e.getMessage().contains("warm_start lab needs strategy model"), e.getMessage());
        ExperimentPlan.InvalidExperimentException other = org.junit.jupiter.api.Assertions.assertThrows(
                ExperimentPlan.InvalidExperimentException.class,
                () -> ExperimentPlan.fromSpec(spec().setWarmStart("cluster").build()));
        assertTrue(other.getMessage().contains("is not one of lab"), other.getMessage());
    }

    /**
     * Each size within its bound can still multiply to 10^9 candidates, which the services would
     * hold (and replay at every restart) until they ran out of memory.
     */
    @Test
    void fromSpec_populationTimesGenerationsOverTheCandidateLimit_refusedNamingTheLimit() {
        ExperimentPlan.InvalidExperimentException e = org.junit.jupiter.api.Assertions.assertThrows(
                ExperimentPlan.InvalidExperimentException.class,
                () -> ExperimentPlan.fromSpec(
                        spec().setPopulation(100_000).setGenerations(10_000).build()));
        assertTrue(
                e.getMessage()
                        .startsWith("population x generations = 100000 x 10000 = 1000000000 candidates, over the limit"
                                + " of 500000 candidates per experiment"),
                e.getMessage());
        ExperimentPlan.fromSpec(spec().setPopulation(50_000).setGenerations(10).build()); // at the limit
    }
}
