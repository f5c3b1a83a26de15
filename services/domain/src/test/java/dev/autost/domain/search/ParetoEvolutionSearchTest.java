package dev.autost.domain.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.autost.domain.cost.CostEstimate;
import dev.autost.domain.genome.Genome;
import dev.autost.domain.space.SearchSpace;
import java.util.List;
import org.junit.jupiter.api.Test;

class ParetoEvolutionSearchTest extends SearchStrategyContract {
    @Override
    SearchStrategy create(SearchSpace space, long seed) {
        return Strategy.PARETO.create(Feasibility.of(space), shortSchedule(seed));
    }

    @Test
    void paretoFront_noMemberIsDominated_andEveryOtherTrialIs() {
        ParetoEvolutionSearch s = new ParetoEvolutionSearch(Feasibility.of(SMALL), shortSchedule(21));
        List<Trial> all = OfflineSearch.run(s, FLOPS, null);
        List<Trial> front = s.paretoFront();
        assertFalse(front.isEmpty());
        for (Trial f : front) {
            for (Trial t : all) {
                assertFalse(NsgaSelection.dominates(t, f), t + " dominates front member " + f);
            }
        }
        for (Trial t : all) {
            if (!front.contains(t)) {
                assertTrue(front.stream().anyMatch(f -> NsgaSelection.dominates(f, t)), "not dominated: " + t);
            }
        }
    }

    @Test
    void fronts_knownTable_sortsIntoLayers() {
        // (score, energy): A(10,5) B(8,3) C(6,1) are non-dominated; D(7,4) is beaten by B; E(5,6) by all.
        List<Trial> t = List.of(trial(0, 10, 5), trial(1, 8, 3), trial(2, 6, 1), trial(3, 7, 4), trial(4, 5, 6));
        List<List<Trial>> fronts = NsgaSelection.fronts(t);
        assertEquals(
                List.of(0L, 1L, 2L),
                fronts.get(0).stream().map(x -> x.candidate().id()).toList());
        assertEquals(
                List.of(3L), fronts.get(1).stream().map(x -> x.candidate().id()).toList());
        assertEquals(
                List.of(4L), fronts.get(2).stream().map(x -> x.candidate().id()).toList());
        // Selecting 2 cuts the first front by crowding: its boundary members win.
        assertEquals(
                List.of(0L, 2L),
                NsgaSelection.select(t, 2).stream()
                        .map(x -> x.candidate().id())
                        .sorted()
                        .toList());
    }

    private static Trial trial(long id, double score, double energy) {
        CostEstimate c = new CostEstimate(1, 1, 0, 32, 1, 0, 0, energy, energy);
        return new Trial(new Candidate(id, 0, Genome.uniform(1, 4, 4, 64)), new Outcome(score, c));
    }
}
