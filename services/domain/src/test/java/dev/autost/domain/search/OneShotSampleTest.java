package dev.autost.domain.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.autost.domain.cost.CostModel;
import dev.autost.domain.genome.Genome;
import dev.autost.domain.space.SearchSpace;
import dev.autost.domain.space.SearchSpaces;
import dev.autost.domain.space.Window;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class OneShotSampleTest {
    private static final SearchSpace MICRO = SearchSpaces.builtIn("fashion-micro");
    private static final CostModel COSTS = new CostModel(MICRO.modelSetting());

    private static List<Trial> run(SearchSpace space, OneShotSample.Spread spread, int n, long seed) {
        EvolutionSettings s = EvolutionSettings.builder()
                .populationWithOfficialSplit(n)
                .generations(20)
                .seed(seed)
                .build();
        return OfflineSearch.run(
                new OneShotSample(new Feasibility(space, new CostModel(space.modelSetting())), s, spread),
                OfflineSearch.flopsObjective(new CostModel(space.modelSetting())),
                null);
    }

    @Test
    void sample_isOneGenerationOfDistinctFeasibleGenomes_whateverTheGenerationsSetting() {
        for (OneShotSample.Spread spread : OneShotSample.Spread.values()) {
            List<Trial> trials = run(MICRO, spread, 30, 7);
            assertEquals(30, trials.size(), spread.name());
            assertEquals(
                    30,
                    new HashSet<>(trials.stream()
                                    .map(t -> t.candidate().genome())
                                    .toList())
                            .size());
            trials.forEach(t -> {
                assertEquals(0, t.candidate().generation());
                assertTrue(MICRO.constraints()
                        .params()
                        .contains(COSTS.params(t.candidate().genome())));
            });
        }
    }

    @Test
    void paramsSpread_coversTheRangeMoreEvenlyThanAUniformDraw() {
        int n = 30;
        List<Long> spread = run(MICRO, OneShotSample.Spread.PARAMS, n, 11).stream()
                .map(t -> COSTS.params(t.candidate().genome()))
                .sorted()
                .toList();
        List<Long> uniform = run(MICRO, OneShotSample.Spread.UNIFORM, n, 11).stream()
                .map(t -> COSTS.params(t.candidate().genome()))
                .sorted()
                .toList();
        double lo = spread.get(0);
        double hi = spread.get(n - 1);
        // One per equal-width bin: each third of the range holds about a third of the sample.
        for (int third = 0; third < 3; third++) {
            double a = lo + third * (hi - lo) / 3;
            double b = lo + (third + 1) * (hi - lo) / 3;
            long inThird = spread.stream().filter(p -> p >= a && p <= b).count();
            assertTrue(inThird >= 7, "third " + third + " holds " + inThird + " of " + spread);
        }
        assertTrue(
                unevenness(spread, lo, hi) < unevenness(uniform, lo, hi),
                "spread " + spread + " vs uniform " + uniform);
    }

    /** Largest minus smallest count over five equal-width bins of [lo, hi]. */
    private static long unevenness(List<Long> params, double lo, double hi) {
        long[] bins = new long[5];
        params.stream()
                .filter(p -> p >= lo && p <= hi)
                .forEach(p -> bins[(int) Math.min(4, (p - lo) / (hi - lo) * 5)]++);
        return java.util.Arrays.stream(bins).max().orElse(0)
                - java.util.Arrays.stream(bins).min().orElse(0);
    }

    @Test
    void sample_sameSeed_isTheSame_andAnotherSeedDiffers() {
        List<Genome> a = run(MICRO, OneShotSample.Spread.PARAMS, 20, 3).stream()
                .map(t -> t.candidate().genome())
                .toList();
        List<Genome> b = run(MICRO, OneShotSample.Spread.PARAMS, 20, 3).stream()
                .map(t -> t.candidate().genome())
                .toList();
        List<Genome> c = run(MICRO, OneShotSample.Spread.PARAMS, 20, 4).stream()
                .map(t -> t.candidate().genome())
                .toList();
        assertEquals(a, b);
        assertTrue(!a.equals(c));
    }

    @Test
    void sample_tooNarrowWindow_namesTheProblem() {
        SearchSpace narrow = MICRO.withConstraints(MICRO.constraints().withParams(Window.between(1, 10)));
        SearchExhaustedException e =
                assertThrows(SearchExhaustedException.class, () -> run(narrow, OneShotSample.Spread.PARAMS, 5, 1));
        assertTrue(e.getMessage().contains("widen the parameter window"), e.getMessage());
    }

    @Test
    void strategies_knowBothSampleNames() {
        Feasibility f = new Feasibility(MICRO, COSTS);
        EvolutionSettings s = EvolutionSettings.builder()
                .populationWithOfficialSplit(4)
                .seed(1)
                .build();
        assertTrue(Strategy.STRATIFIED.create(f, s) instanceof OneShotSample);
        assertTrue(Strategy.UNIFORM.create(f, s) instanceof OneShotSample);
    }
}
