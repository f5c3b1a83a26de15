package dev.autost.cli.bench;

import dev.autost.domain.cost.CostModel;
import dev.autost.domain.genome.Genome;
import dev.autost.domain.search.EvolutionSearch;
import dev.autost.domain.search.EvolutionSettings;
import dev.autost.domain.search.Feasibility;
import dev.autost.domain.search.OfflineSearch;
import dev.autost.domain.space.SearchSpace;
import dev.autost.domain.space.SearchSpaces;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code autost bench score}: candidates scored per second on one thread, and the time
 * of the full default evolution in process.
 */
@Command(
        name = "score",
        mixinStandardHelpOptions = true,
        description = {
            "Scores random genomes of a space on one thread and times the default evolution.",
            "Prints candidates/s (params, flops_syops, flops_full and energy each time) and the evolution's",
            "median wall time; compare with the official path's 8.7 s per candidate."
        })
final class BenchScoreCommand implements Callable<Integer> {
    /** Median time per candidate of the official build-and-hook path (reference §4). */
    static final double OFFICIAL_SECONDS_PER_CANDIDATE = 8.7;

    @Option(names = "--space", description = "Space to sample (default: ${DEFAULT-VALUE}).", defaultValue = "small")
    String space;

    @Option(
            names = "--seconds",
            description = "Measured seconds of scoring (default: ${DEFAULT-VALUE}).",
            defaultValue = "5")
    double seconds;

    @Option(
            names = "--warmup-seconds",
            description = "Unmeasured seconds first, for the JIT (default: ${DEFAULT-VALUE}).",
            defaultValue = "2")
    double warmupSeconds;

    @Option(
            names = "--pool",
            description = "Distinct genomes scored in rotation (default: ${DEFAULT-VALUE}).",
            defaultValue = "65536")
    int pool;

    @Option(
            names = "--evolution-runs",
            description = "Timed runs of the default evolution (default: ${DEFAULT-VALUE}).",
            defaultValue = "30")
    int evolutionRuns;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        SearchSpace s = SearchSpaces.resolve(space);
        CostModel model = new CostModel(s.modelSetting());
        SplittableRandom rng = new SplittableRandom(1);
        Genome[] genomes = new Genome[pool];
        for (int i = 0; i < pool; i++) {
            genomes[i] = s.sample(rng);
        }
        out.printf("bench score: space %s, %d random genomes, 1 thread, %s%n", s.name(), pool, Runtime.version());
        out.flush();
        score(model, genomes, warmupSeconds);
        double[] result = score(model, genomes, seconds);
        double perSecond = result[0] / result[1];
        out.printf(
                "scoring:   %,.0f candidates/s (%,.0f ns per candidate; %,.0f candidates in %.2f s)%n",
                perSecond, 1e9 / perSecond, result[0], result[1]);
        out.printf(
                "           vs the official path's %.1f s per candidate: %.2e x faster%n",
                OFFICIAL_SECONDS_PER_CANDIDATE, perSecond * OFFICIAL_SECONDS_PER_CANDIDATE);
        out.flush();

        double[] ms = new double[evolutionRuns];
        int scored = 0;
        for (int r = -5; r < evolutionRuns; r++) {
            long t0 = System.nanoTime();
            EvolutionSearch search = new EvolutionSearch(new Feasibility(s, model), EvolutionSettings.defaults(42 + r));
            scored = OfflineSearch.run(search, OfflineSearch.flopsObjective(model), null)
                    .size();
            if (r >= 0) {
                ms[r] = (System.nanoTime() - t0) / 1e6;
            }
        }
        Arrays.sort(ms);
        out.printf(
                "evolution: default settings (population 50, 20 generations, %d candidates scored): median %.1f ms, "
                        + "min %.1f ms, max %.1f ms over %d runs%n",
                scored, ms[ms.length / 2], ms[0], ms[ms.length - 1], evolutionRuns);
        out.flush();
        return 0;
    }

    /** Returns {candidates scored, seconds}. */
    private static double[] score(CostModel model, Genome[] genomes, double seconds) {
        long deadline = System.nanoTime() + (long) (seconds * 1e9);
        long start = System.nanoTime();
        long n = 0;
        long sink = 0;
        int mask = Integer.highestOneBit(genomes.length) - 1;
        while (System.nanoTime() < deadline) {
            for (int i = 0; i < 4096; i++) {
                sink += model.estimate(genomes[(int) (n++ & mask)]).params();
            }
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        if (sink == 42) {
            System.out.print("");
        }
        return new double[] {n, elapsed};
    }
}
