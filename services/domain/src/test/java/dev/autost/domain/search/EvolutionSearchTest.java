package dev.autost.domain.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.autost.domain.cost.CostModel;
import dev.autost.domain.genome.Genome;
import dev.autost.domain.space.SearchSpace;
import dev.autost.domain.space.SearchSpaces;
import dev.autost.domain.space.Window;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class EvolutionSearchTest extends SearchStrategyContract {

    @Override
    SearchStrategy create(SearchSpace space, long seed) {
        return new EvolutionSearch(Feasibility.of(space), shortSchedule(seed));
    }

    @Test
    void run_officialDefaults_scoresAtMost1050CandidatesIn21Generations() {
        EvolutionSearch s = new EvolutionSearch(Feasibility.of(SMALL), EvolutionSettings.defaults(42));
        List<Trial> all = OfflineSearch.run(s, FLOPS, null);
        assertTrue(all.size() <= 1050 && all.size() >= 1000, "scored " + all.size());
        Map<Integer, Integer> perGeneration = new TreeMap<>();
        all.forEach(t -> perGeneration.merge(t.candidate().generation(), 1, Integer::sum));
        assertEquals(21, perGeneration.size());
        perGeneration.values().forEach(n -> assertEquals(50, n));
    }

    @Test
    void run_evolution_beatsRandomSearchAtEqualBudget() {
        // FLOPs reward width and depth; selection should find higher scores than chance.
        double evo = OfflineSearch.run(
                        new EvolutionSearch(Feasibility.of(SMALL), EvolutionSettings.defaults(1)), FLOPS, null)
                .get(0)
                .score();
        double rnd = OfflineSearch.run(
                        new RandomSearch(Feasibility.of(SMALL), EvolutionSettings.defaults(1)), FLOPS, null)
                .get(0)
                .score();
        assertTrue(evo >= rnd, "evolution " + evo + " vs random " + rnd);
    }

    @Test
    void mutate_keepsGenomeInsideSpace() {
        EvolutionSearch s = new EvolutionSearch(
                Feasibility.of(SMALL),
                EvolutionSettings.builder()
                        .depthResampleProb(1)
                        .geneMutationProb(1)
                        .seed(4)
                        .build());
        Genome parent = Genome.uniform(4, 4, 8, 384);
        for (int i = 0; i < 500; i++) {
            SMALL.requireContains(s.mutate(parent));
        }
    }

    @Test
    void crossover_takesEveryGeneFromOneOfTheParents() {
        EvolutionSearch s = new EvolutionSearch(Feasibility.of(SMALL), EvolutionSettings.defaults(4));
        Genome a = new Genome(3, List.of(3.0, 3.0, 3.0), List.of(4, 4, 4), 256, 0);
        Genome b = new Genome(3, List.of(5.0, 5.0, 5.0), List.of(8, 8, 8), 512, 0);
        for (int i = 0; i < 100; i++) {
            Genome c = s.crossover(List.of(a, b));
            for (int l = 0; l < 3; l++) {
                assertTrue(c.mlpRatios().get(l) == 3.0 || c.mlpRatios().get(l) == 5.0);
                assertTrue(c.numHeads().get(l) == 4 || c.numHeads().get(l) == 8);
            }
            assertTrue(c.embedDim() == 256 || c.embedDim() == 512);
        }
    }

    @Test
    void crossover_parentsOfDifferentDepth_neverMixesDepths() {
        // Parents are drawn independently, so a parent may pair with itself; two depths never mix.
        EvolutionSearch s = new EvolutionSearch(Feasibility.of(SMALL), EvolutionSettings.defaults(4));
        Genome a = Genome.uniform(2, 4, 8, 256);
        Genome b = Genome.uniform(3, 4, 8, 256);
        for (int i = 0; i < 100; i++) {
            Genome c = s.crossover(List.of(a, b));
            assertTrue(c == null || c.equals(a) || c.equals(b), String.valueOf(c));
        }
    }

    @Test
    void ask_windowAdmittingNothing_failsWithClearMessage() {
        SearchSpace impossible = SMALL.withConstraints(SMALL.constraints().withParams(Window.between(1, 2)));
        EvolutionSearch s = new EvolutionSearch(
                Feasibility.of(impossible),
                EvolutionSettings.builder().randomAttempts(1000).seed(1).build());
        SearchExhaustedException e = assertThrows(SearchExhaustedException.class, s::ask);
        assertTrue(e.getMessage().contains("widen the parameter window"), e.getMessage());
    }

    @Test
    void run_spaceSearchingTimeSteps_mutatesAndKeepsTInChoices() {
        SearchSpace withT = SearchSpaces.parse("""
                embed_dims: [64, 128, 192]
                depth: {min: 1, max: 4}
                mlp_ratios: [2, 4]
                num_heads: [2, 4]
                time_steps: [2, 4, 8]
                """);
        List<Trial> all = OfflineSearch.run(
                new EvolutionSearch(Feasibility.of(withT), shortSchedule(3)),
                OfflineSearch.flopsObjective(new CostModel(withT.modelSetting())),
                null);
        java.util.Set<Integer> seenT = new java.util.HashSet<>();
        for (Trial t : all) {
            withT.requireContains(t.candidate().genome());
            seenT.add(t.candidate().genome().timeSteps());
        }
        assertEquals(java.util.Set.of(2, 4, 8), seenT);
        // More time steps mean more operations: the best candidate uses the largest T.
        assertEquals(8, all.get(0).candidate().genome().timeSteps());
    }

    @Test
    void settings_invalid_namesTheField() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> EvolutionSettings.builder().mutations(40).crossovers(40).build());
        assertTrue(e.getMessage().contains("mutations"), e.getMessage());
        assertThrows(
                IllegalArgumentException.class,
                () -> EvolutionSettings.builder().geneMutationProb(1.5).build());
    }
}
