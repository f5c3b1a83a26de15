package dev.autost.domain.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.autost.domain.cost.CostModel;
import dev.autost.domain.genome.Genome;
import dev.autost.domain.space.SearchSpaces;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ProbeGateTest {
    private static final CostModel COSTS =
            new CostModel(SearchSpaces.builtIn("fashion-micro").modelSetting());

    private static List<Candidate> generation(int n) {
        SplittableRandom rng = new SplittableRandom(5);
        List<Candidate> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new Candidate(i, 0, SearchSpaces.builtIn("fashion-micro").sample(rng)));
        }
        return out;
    }

    @Test
    void skipped_half_leavesTheLowerFlopsHalfUnprobed() {
        List<Candidate> gen = generation(7);
        Set<Long> skipped = new ProbeGate(0.5).skipped(gen, COSTS);
        assertEquals(3, skipped.size(), "ceil(3.5) = 4 probed of 7");
        double lowestProbed = gen.stream()
                .filter(c -> !skipped.contains(c.id()))
                .mapToDouble(c -> COSTS.estimate(c.genome()).flopsSyops())
                .min()
                .orElseThrow();
        for (Candidate c : gen) {
            if (skipped.contains(c.id())) {
                assertTrue(COSTS.estimate(c.genome()).flopsSyops() <= lowestProbed, c.toString());
            }
        }
    }

    @Test
    void skipped_equalFlops_probesTheEarlierAsked() {
        Genome g = new Genome(1, List.of(2.0), List.of(4), 32, 0);
        Genome sameFlops = new Genome(1, List.of(2.0), List.of(2), 32, 0); // heads do not change FLOPs
        assertEquals(COSTS.estimate(g).flopsSyops(), COSTS.estimate(sameFlops).flopsSyops());
        List<Candidate> gen = List.of(new Candidate(0, 0, g), new Candidate(1, 0, sameFlops));
        assertEquals(Set.of(1L), new ProbeGate(0.5).skipped(gen, COSTS));
    }

    @Test
    void skipped_allOrTiny_probesEverythingOrAtLeastOne() {
        List<Candidate> gen = generation(5);
        assertEquals(Set.of(), ProbeGate.ALL.skipped(gen, COSTS));
        assertEquals(Set.of(), ProbeGate.of(0).skipped(gen, COSTS), "unset means all");
        assertEquals(4, new ProbeGate(1e-9).skipped(gen, COSTS).size());
        Candidate best = gen.stream()
                .max(Comparator.comparingDouble(c -> COSTS.estimate(c.genome()).flopsSyops()))
                .orElseThrow();
        assertTrue(!new ProbeGate(1e-9).skipped(gen, COSTS).contains(best.id()));
    }

    @Test
    void new_fractionOutsideZeroToOne_isRefusedNamingTheField() {
        for (double f : new double[] {-0.1, 1.5, Double.NaN}) {
            var e = assertThrows(IllegalArgumentException.class, () -> new ProbeGate(f));
            assertTrue(e.getMessage().contains("probe_fraction"), e.getMessage());
        }
    }
}
