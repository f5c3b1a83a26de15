package dev.autost.cli.chaos;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The chaos suite (issue 15 item 4; {@code mvn -B verify -Pchaos -pl services/cli -am}, not in the
 * default build): the broker and every service (the prober too) as their own processes on one host; per target,
 * {@code autost.chaos.trials} trials (default 5) with different seeds and seeded random kill
 * points. After each trial no candidate may be lost or counted twice, the ranking must equal the
 * uninterrupted run of the same seed, and a trained winner must equal its uninterrupted training
 * bit for bit; after a kill -9 of a scorer or trainer, work must resume within 15 s. Every trial
 * is a row of {@code target/chaos/trials.md}, failed ones with their reason.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KillAndRestartChaosIT {
    private static final int TRIALS = Integer.getInteger("autost.chaos.trials", 5);
    private static final long SUITE_SEED = Long.getLong("autost.chaos.seed", 20261129L);
    /** Trainer data: 10 steps of 64 images per epoch, so an epoch lasts seconds and can be hit mid-way. */
    private static final ChaosCluster.TrainerLimits LIMITS = new ChaosCluster.TrainerLimits(640, 256);

    private static final Path OUT = Path.of("target", "chaos");

    private ChaosCluster cluster;
    private ChaosTrialRunner runner;
    private TrialTable table;
    private final Map<Target, long[]> seeds = new EnumMap<>(Target.class);

    @BeforeAll
    void startCluster() throws IOException {
        Path work = OUT.resolve("work");
        deleteRecursively(work);
        // A seed per trial, none shared: a trainer may reuse a result its cluster already has.
        SplittableRandom r = new SplittableRandom(SUITE_SEED);
        Set<Long> used = new HashSet<>();
        for (Target t : Target.values()) {
            long[] s = new long[TRIALS];
            for (int i = 0; i < TRIALS; i++) {
                do {
                    s[i] = r.nextLong(1, 1_000_000);
                } while (!used.add(s[i]));
            }
            seeds.put(t, s);
        }
        String runTag = Long.toString(System.currentTimeMillis() % 100_000);
        table = new TrialTable(
                OUT.resolve("trials.md"),
                String.format(
                        "Chaos suite started %s: suite seed %d, %d trials per target, search %d x %d generations (%d"
                                + " candidates), trainer %d/%d images, %d epochs; logs in %s",
                        Instant.now(),
                        SUITE_SEED,
                        TRIALS,
                        ChaosTrialRunner.POPULATION,
                        ChaosTrialRunner.GENERATIONS + 1,
                        ChaosTrialRunner.CANDIDATES,
                        LIMITS.trainImages(),
                        LIMITS.testImages(),
                        ChaosTrialRunner.EPOCHS,
                        work));
        Map<Long, ChaosTrialRunner.Reference> references = uninterruptedRuns(work.resolve("reference"), runTag);
        cluster = ChaosCluster.start(work.resolve("chaos"), LIMITS);
        runner = new ChaosTrialRunner(cluster, runTag, references);
    }

    /**
     * The uninterrupted runs of every training or probing trial's seed, on a cluster of their own
     * (then stopped).
     */
    private Map<Long, ChaosTrialRunner.Reference> uninterruptedRuns(Path work, String runTag) throws IOException {
        Map<Long, ChaosTrialRunner.Reference> out = new HashMap<>();
        StringBuilder md = new StringBuilder(
                "| seed | winner | test accuracy | train loss | training (s) |\n|---|---|---|---|---|\n");
        try (ChaosCluster reference = ChaosCluster.start(work, LIMITS)) {
            for (Target t : Target.values()) {
                if (!t.trains() && !t.probes()) {
                    continue;
                }
                for (long seed : seeds.get(t)) {
                    ChaosTrialRunner.Reference ref = ChaosTrialRunner.uninterrupted(reference, runTag, seed, t);
                    out.put(seed, ref);
                    ref.trained()
                            .forEach((hash, result) -> md.append(String.format(
                                    Locale.ROOT,
                                    "| %d | %s | %s | %s | %.1f |%n",
                                    seed,
                                    hash,
                                    result.getTestAccuracy(),
                                    result.getTrainLoss(),
                                    ref.trainMs() / 1000.0)));
                    System.out.println("chaos reference: seed " + seed + " "
                            + ref.trained().values());
                }
            }
        }
        Files.writeString(OUT.resolve("references.md"), md.toString());
        return out;
    }

    @AfterAll
    void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    @Order(1)
    void scorerKilled_otherTakesOverWithin15s_nothingLostOrCountedTwice() {
        trials(Target.SCORER);
    }

    @Test
    @Order(2)
    void samplerKilled_replacementReplays_sameRanking() {
        trials(Target.SAMPLER);
    }

    @Test
    @Order(3)
    void evaluatorKilled_replacementReplays_finalReportCountsEachCandidateOnce() {
        trials(Target.EVALUATOR);
    }

    @Test
    @Order(4)
    void trainerKilledMidEpoch_replacementResumesWithin15s_toTheUninterruptedResult() {
        trials(Target.TRAINER);
    }

    @Test
    @Order(5)
    void brokerKilled_restartedOnItsData_servicesRejoin_sameRanking() {
        trials(Target.BROKER);
    }

    @Test
    @Order(6)
    void everythingStoppedWithSigterm_andRestarted_sameRankingAndTraining() {
        trials(Target.EVERYTHING);
    }

    @Test
    @Order(7)
    void proberKilled_replacementProbesTheRest_sameCandidatesAndSahd() {
        trials(Target.PROBER);
    }

    private void trials(Target target) {
        List<String> failed = new ArrayList<>();
        for (int i = 1; i <= TRIALS; i++) {
            SplittableRandom killPoint = new SplittableRandom(SUITE_SEED * 31 + target.ordinal() * 1000L + i);
            TrialRow row = runner.run(target, i, seeds.get(target)[i - 1], killPoint);
            table.add(row);
            System.out.println("chaos trial: " + row.markdown());
            if (!row.passed()) {
                failed.add(row.markdown());
            }
        }
        assertTrue(failed.isEmpty(), "failed trials (see " + table.file() + "):\n" + String.join("\n", failed));
    }

    private static void deleteRecursively(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
