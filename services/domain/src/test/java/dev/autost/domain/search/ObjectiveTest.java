package dev.autost.domain.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.autost.domain.cost.CostEstimate;
import dev.autost.domain.cost.CostModel;
import dev.autost.domain.genome.Genome;
import dev.autost.domain.space.SearchSpaces;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ObjectiveTest {
    private static final CostEstimate COST =
            new CostModel(SearchSpaces.builtIn("small").modelSetting()).estimate(Genome.uniform(4, 4.0, 8, 384));

    @Test
    void parse_emptyOrNull_isThePapersFlopsObjective() {
        assertEquals(Objective.DEFAULT, Objective.parse(""));
        assertEquals(Objective.DEFAULT, Objective.parse(null));
        assertEquals("flops_syops", Objective.DEFAULT.id());
    }

    @Test
    void parse_calibrated_readsEveryMetricAndNeedsTheProberAndAReference() {
        Objective o = Objective.parse("calibrated");
        assertTrue(o.isCalibrated());
        assertTrue(o.needsProbes());
        assertTrue(o.needsReference());
        assertEquals(Objective.ids(), o.metrics());
        assertThrows(IllegalStateException.class, () -> o.outcome(null, java.util.Map.of()));
    }

    @Test
    void parse_unknownName_namesEveryAcceptedObjective() {
        var e = assertThrows(IllegalArgumentException.class, () -> Objective.parse("accuracy"));
        assertTrue(e.getMessage().contains("'accuracy'"), e.getMessage());
        for (String id : Objective.ids()) {
            assertTrue(e.getMessage().contains(id), e.getMessage());
        }
    }

    @Test
    void outcome_flopsObjective_scoresExactlyTheSyopsCount() {
        Outcome o = Objective.DEFAULT.outcome(COST, Map.of());
        assertEquals(COST.flopsSyops(), o.score());
        assertEquals(COST, o.cost());
        assertFalse(Objective.DEFAULT.needsProbes());
    }

    @Test
    void outcome_costMetrics_readTheirFieldOfTheEstimate() {
        assertEquals(
                (double) COST.params(),
                Objective.parse("params").outcome(COST, Map.of()).score());
        assertEquals(
                (double) COST.flopsFull(),
                Objective.parse("flops_full").outcome(COST, Map.of()).score());
        assertEquals(
                COST.energyPj(),
                Objective.parse("energy_pj").outcome(COST, Map.of()).score());
    }

    @Test
    void outcome_probeMetricNotMeasuredYet_isNull() {
        Objective sahd = Objective.parse("sahd");
        assertTrue(sahd.needsProbes());
        assertNull(sahd.outcome(COST, Map.of("naswot", 3.0)));
    }

    @Test
    void outcome_probeMetric_scoresItAndKeepsEveryProbe() {
        Map<String, Double> probes = Map.of("sahd", 12.5, "naswot", 3.0, "energy_init_pj", 9.0);
        Outcome o = Objective.parse("naswot").outcome(COST, probes);
        assertEquals(3.0, o.score());
        assertEquals(probes, o.probes());
    }

    @Test
    void outcome_minusInfinity_ranksLastInsteadOfFailing() {
        Outcome o = Objective.parse("sahd").outcome(COST, Map.of("sahd", Double.NEGATIVE_INFINITY));
        assertEquals(Double.NEGATIVE_INFINITY, o.score());
    }

    @Test
    void outcome_nanMetric_isRefused() {
        var e = assertThrows(
                IllegalArgumentException.class,
                () -> Objective.parse("sahd").outcome(COST, Map.of("sahd", Double.NaN)));
        assertTrue(e.getMessage().contains("sahd"), e.getMessage());
    }

    @Test
    void parse_rankMean_isCanonicalAndNeedsProbesWhenAnyMetricDoes() {
        Objective o = Objective.parse("rank-mean: sahd ,flops_syops");
        assertEquals("rank-mean:sahd,flops_syops", o.id());
        assertEquals(java.util.List.of("sahd", "flops_syops"), o.metrics());
        assertTrue(o.isRankMean());
        assertTrue(o.needsProbes());
        assertFalse(Objective.parse("rank-mean:params,flops_full").needsProbes());
    }

    @Test
    void parse_rankMeanOfOneRepeatedOrUnknownMetric_isRefusedNamingIt() {
        for (String bad :
                new String[] {"rank-mean:sahd", "rank-mean:sahd,sahd", "rank-mean:sahd,accuracy", "rank-mean:"}) {
            var e = assertThrows(IllegalArgumentException.class, () -> Objective.parse(bad), bad);
            assertTrue(e.getMessage().contains(bad), e.getMessage());
        }
    }

    @Test
    void outcome_rankMean_needsTheScorersReference() {
        assertThrows(
                IllegalStateException.class,
                () -> Objective.parse("rank-mean:params,flops_full").outcome(COST, Map.of()));
    }
}
