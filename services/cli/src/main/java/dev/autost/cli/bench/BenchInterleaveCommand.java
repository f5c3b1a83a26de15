package dev.autost.cli.bench;

import dev.autost.cli.options.ClusterOption;
import dev.autost.cli.options.Defaults;
import dev.autost.cli.options.SamplerLimitsOption;
import dev.autost.cli.pipeline.ExperimentClient;
import dev.autost.cli.pipeline.LocalServices;
import dev.autost.domain.space.Constraints;
import dev.autost.domain.space.SearchSpaces;
import dev.autost.messaging.codec.ExperimentPlan;
import dev.autost.proto.v1.ExperimentSpec;
import dev.autost.sampler.SamplerLimits;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code autost bench interleave}: how long a small search takes while a large one runs, against
 * the same search alone, and what the large one's throughput is alone and beside it. Run it with
 * the default {@code --max-candidates-in-flight} and with a bound above the large population
 * (every generation published at once, as before the bound) to compare the two.
 */
@Command(
        name = "interleave",
        mixinStandardHelpOptions = true,
        description = {
            "Measures on one broker (embedded unless --bootstrap-servers), with sampler, scorer and evaluator:",
            "  alone    the default evolution (1 050 candidates) from submit to finished,",
            "  large    a search of --large-population (and --large-generations bred generations) alone,",
            "           on the small space without its parameter window,",
            "  beside   the default evolution again, submitted once the large one (run again) is being scored."
        })
final class BenchInterleaveCommand implements Callable<Integer> {
    @Option(
            names = "--large-population",
            description = "Population of the large search (default: ${DEFAULT-VALUE}).",
            defaultValue = "50000")
    int largePopulation;

    @Option(
            names = "--large-generations",
            description =
                    "Bred generations of the large search after its random first one (default: ${DEFAULT-VALUE}).",
            defaultValue = "4")
    int largeGenerations;

    @Mixin
    BenchPartitionsOption topics;

    @Mixin
    ClusterOption cluster;

    @Mixin
    SamplerLimitsOption samplerLimits;

    @Spec
    CommandSpec spec;

    private static final Duration TIMEOUT = Duration.ofMinutes(10);

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        SamplerLimits limits = samplerLimits.limits();
        ExperimentPlan.fromSpec(large("check")); // a population or generations out of bounds: refused before the broker
        long t0 = System.nanoTime();
        try (LocalServices services = LocalServices.connect(cluster.bootstrapServers(), topics.partitions, (short) 1)
                .samplerLimits(limits)) {
            services.start(LocalServices.SEARCH);
            out.printf(
                    "bench interleave: %s broker and services ready in %d ms, %d partitions,"
                            + " at most %d candidates of a search in flight%n",
                    services.embeddedBroker() ? "embedded" : services.bootstrapServers(),
                    (System.nanoTime() - t0) / 1_000_000,
                    topics.partitions,
                    limits.maxCandidatesInFlight());
            out.flush();
            String run = "interleave-" + System.currentTimeMillis();
            String bootstrap = services.bootstrapServers();

            timed(bootstrap, small(run + "-warmup")); // JIT and connections warm, unmeasured
            Timed alone = timed(bootstrap, small(run + "-alone"));
            out.printf(
                    "alone:    default evolution, %,d candidates, %d ms from submit to finished%n",
                    alone.candidates(), alone.ms());
            out.flush();

            Timed largeAlone = timed(bootstrap, large(run + "-large-alone"));
            out.printf(
                    "large:    %,d candidates (population %d, %d bred generations) alone in %d ms, %,.0f candidates/s%n",
                    largeAlone.candidates(),
                    largePopulation,
                    largeGenerations,
                    largeAlone.ms(),
                    largeAlone.perSecond());
            out.flush();

            // The large search again; the small one is submitted once its first scores are back.
            CountDownLatch scoring = new CountDownLatch(1);
            CompletableFuture<Timed> largeBeside =
                    CompletableFuture.supplyAsync(() -> timed(bootstrap, large(run + "-large-beside"), p -> {
                        if (p.scored() > 0) {
                            scoring.countDown();
                        }
                    }));
            if (!scoring.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                throw new IllegalStateException("the large search had no score within " + TIMEOUT);
            }
            Timed beside = timed(bootstrap, small(run + "-beside"));
            out.printf(
                    "beside:   the same default evolution beside it, %d ms from submit to finished (%.1fx alone)%n",
                    beside.ms(), beside.ms() / (double) alone.ms());
            Timed largeWith = largeBeside.join();
            out.printf(
                    "large:    the large search with it, %d ms, %,.0f candidates/s (%.2fx its time alone)%n",
                    largeWith.ms(), largeWith.perSecond(), largeWith.ms() / (double) largeAlone.ms());
        }
        out.flush();
        return 0;
    }

    private static ExperimentSpec small(String id) {
        return ExperimentPlan.specBuilder(
                        id,
                        SearchSpaces.builtIn("small"),
                        "evolution",
                        Defaults.SEED,
                        Defaults.POPULATION,
                        Defaults.GENERATIONS,
                        0)
                .build();
    }

    /** On {@code small} without its parameter window, which has too few genomes for a population of 50 000. */
    private ExperimentSpec large(String id) {
        return ExperimentPlan.specBuilder(
                        id,
                        SearchSpaces.builtIn("small").withConstraints(Constraints.NONE),
                        "evolution",
                        Defaults.SEED,
                        largePopulation,
                        largeGenerations,
                        0)
                .build();
    }

    /** An experiment's time from submit to finished, and its candidates scored. */
    private record Timed(long ms, int candidates) {
        double perSecond() {
            return candidates / (ms / 1000.0);
        }
    }

    private static Timed timed(String bootstrap, ExperimentSpec spec) {
        return timed(bootstrap, spec, null);
    }

    private static Timed timed(String bootstrap, ExperimentSpec spec, Consumer<ExperimentClient.Progress> progress) {
        try (ExperimentClient client = new ExperimentClient(bootstrap)) {
            long s0 = System.nanoTime();
            client.submit(spec);
            int n = client.follow(spec.getExperimentId(), TIMEOUT, progress)
                    .scores()
                    .size();
            return new Timed((System.nanoTime() - s0) / 1_000_000, n);
        }
    }
}
