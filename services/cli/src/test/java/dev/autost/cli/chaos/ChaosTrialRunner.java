package dev.autost.cli.chaos;

import dev.autost.cli.pipeline.ExperimentClient;
import dev.autost.cli.pipeline.InProcessRanking;
import dev.autost.domain.space.SearchSpace;
import dev.autost.domain.space.SearchSpaces;
import dev.autost.messaging.codec.ExperimentPlan;
import dev.autost.proto.v1.ExperimentSpec;
import dev.autost.proto.v1.Report;
import dev.autost.proto.v1.Score;
import dev.autost.proto.v1.TrainResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

/**
 * Runs chaos trials on a {@link ChaosCluster}: submits a small search with a given seed, kills
 * (or stops) a process at a seeded random point, lets the experiment finish, and checks it
 * against the uninterrupted run of the same seed — the in-process search for the ranking (equal
 * to the Kafka one by design), an uninterrupted training through the same cluster for the trained
 * result. One uninterrupted reference per seed, shared by every target.
 */
final class ChaosTrialRunner {
    static final int POPULATION = 20;
    /**
     * A generation is scored in well under 100 ms here, so a 6-generation search ends before a kill
     * at a random point can land in it; 41 generations (820 candidates) last a few seconds.
     */
    static final int GENERATIONS = 40;

    static final int CANDIDATES = POPULATION * (GENERATIONS + 1);
    static final int EPOCHS = 2;
    /** A search on SAHD probes every candidate (about 2 a second here): 10 x 4 generations. */
    static final int PROBED_POPULATION = 10;

    static final int PROBED_GENERATIONS = 3;
    static final int PROBED_CANDIDATES = PROBED_POPULATION * (PROBED_GENERATIONS + 1);

    /**
     * fashion-micro with a 60 000-parameter cap: the winner (depth 4, width 32) trains an epoch of
     * the trainer's slice in seconds on a loaded CPU, long enough to be killed in the middle of one.
     */
    static final SearchSpace SPACE = SearchSpaces.parse(String.join(
            "\n",
            "name: fashion-micro-60k",
            "embed_dims: [32, 48, 64]",
            "depth: {min: 1, max: 4}",
            "mlp_ratios: [2, 3, 4]",
            "num_heads: [2, 4, 8]",
            "time_steps: [4]",
            "image_size: 28",
            "channels: 1",
            "patch_size: 4",
            "classes: 10",
            "backbone: autost",
            "syops_batch: 32",
            "constraints:",
            "  params: {max: 60000}",
            ""));

    private static final Duration TIMEOUT = Duration.ofMinutes(6);
    /** Issue 15: after a kill -9 of a scorer or trainer, work resumes within 15 s. */
    static final Duration RESUME_LIMIT = Duration.ofSeconds(15);

    /**
     * What the uninterrupted run of one seed gave: the ranking (hash@ask position, best first), and
     * for a training trial the trained winner and how long its training took after the search.
     */
    record Reference(List<String> ranking, Map<String, TrainResult> trained, long trainMs) {}

    private final ChaosCluster cluster;
    private final String runTag;
    private final Map<Long, Reference> trainedReferences;

    /**
     * @param trainedReferences the uninterrupted runs with training or probes, by seed, made
     *                          beforehand on another cluster ({@link #uninterrupted}); a trainer may
     *                          reuse a result its cluster already has, so a trial must not find
     *                          its reference's result in its own cluster
     */
    ChaosTrialRunner(ChaosCluster cluster, String runTag, Map<Long, Reference> trainedReferences) {
        this.cluster = cluster;
        this.runTag = runTag;
        this.trainedReferences = Map.copyOf(trainedReferences);
    }

    /**
     * The uninterrupted run of {@code seed} for {@code target} on {@code cluster}. With training, its
     * ranking must equal the in-process one, else no trial of that seed could be judged; on a probe
     * metric, the ranking is this run's (the prober gives the in-process figures by design:
     * ProberVerticleIT), with each candidate's SAHD.
     */
    static Reference uninterrupted(ChaosCluster cluster, String runTag, long seed, Target target) {
        ExperimentSpec spec = spec(runTag, "reference", 0, seed, target);
        Watch w = new Watch();
        try (ExperimentClient client = new ExperimentClient(cluster.bootstrapServers())) {
            client.submit(spec);
            ExperimentClient.FollowedExperiment o = client.follow(spec.getExperimentId(), TIMEOUT, w::update);
            if (target.probes()) {
                return new Reference(viaKafka(o, true), Map.of(), 0);
            }
            List<String> offline = InProcessRanking.of(spec);
            if (!offline.equals(viaKafka(o, false))) {
                throw new IllegalStateException("the uninterrupted Kafka run of seed " + seed
                        + " differs from the in-process search; no trial can be judged");
            }
            if (o.trained().size() != 1
                    || o.trained().values().iterator().next().getStatus() != TrainResult.Status.OK) {
                throw new IllegalStateException(
                        "the uninterrupted training of seed " + seed + " failed: " + o.trained());
            }
            long trainMs = TimeUnit.NANOSECONDS.toMillis(w.trainedAt - w.searchDoneAt);
            return new Reference(offline, o.trained(), trainMs);
        }
    }

    private Reference reference(long seed, Target target) {
        if (!target.trains() && !target.probes()) {
            return new Reference(InProcessRanking.of(spec(runTag, "reference", 0, seed, target)), Map.of(), 0);
        }
        Reference r = trainedReferences.get(seed);
        if (r == null) {
            throw new IllegalStateException("no uninterrupted run was made for seed " + seed);
        }
        return r;
    }

    /** One trial: {@code rnd} picks the kill point (logged in the row). */
    TrialRow run(Target target, int trial, long seed, SplittableRandom rnd) {
        Reference ref = reference(seed, target);
        cluster.drainUnexpectedExits();
        ExperimentSpec spec = spec(runTag, target.name().toLowerCase(Locale.ROOT), trial, seed, target);
        int population = target.probes() ? PROBED_POPULATION : POPULATION;
        int candidates = target.probes() ? PROBED_CANDIDATES : CANDIDATES;
        String experimentId = spec.getExperimentId();
        Watch w = new Watch();
        // Half of the SIGTERM trials stop everything during the search, half during training.
        boolean duringTraining = target == Target.TRAINER || (target == Target.EVERYTHING && trial % 2 == 0);
        // Ten generations or more left after the trigger: the kill lands while the search runs (on a
        // probe metric a generation takes seconds: one or more left).
        int killAtScored = target.probes()
                ? population + rnd.nextInt(candidates - 2 * population)
                : population + rnd.nextInt(candidates - 11 * population);
        long jitterMs = rnd.nextInt(250);
        // Odd trials kill in epoch 1 (no checkpoint yet: the job starts over), even ones in epoch 2
        // (it resumes from epoch 1's checkpoint): 10-60 % of an uninterrupted epoch into it.
        int killEpoch = trial % 2 == 0 ? 2 : 1;
        long trainingDelayMs = (long) ((0.1 + 0.5 * rnd.nextDouble()) * ref.trainMs() / EPOCHS);
        AtomicReference<String> killAt = new AtomicReference<>("never");
        List<String> problems = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        long[] jobStartedAt = {0};
        long[] epochStartedAt = {0};
        String jobLine = "training " + experimentId + "/";

        BooleanSupplier trigger = duringTraining
                ? () -> {
                    if (jobStartedAt[0] == 0
                            && cluster.current(ChaosCluster.Role.TRAINER).logContains(jobLine)) {
                        jobStartedAt[0] = System.nanoTime();
                    }
                    if (epochStartedAt[0] == 0 && jobStartedAt[0] != 0 && w.epochsDone >= killEpoch - 1) {
                        epochStartedAt[0] = System.nanoTime();
                    }
                    return epochStartedAt[0] != 0
                            && System.nanoTime() - epochStartedAt[0] >= TimeUnit.MILLISECONDS.toNanos(trainingDelayMs);
                }
                : () -> w.scored >= killAtScored;
        Thread killer = new Thread(
                () -> {
                    while (!trigger.getAsBoolean()) {
                        if (w.finished) {
                            return;
                        }
                        ChaosCluster.sleep(20);
                    }
                    if (!duringTraining) {
                        // Progress arrives a generation at a time: a random extra delay lands the
                        // kill anywhere in the generation, not only at its end.
                        ChaosCluster.sleep(jitterMs);
                    }
                    String where = duringTraining
                            ? String.format(
                                    Locale.ROOT,
                                    "training +%.1f s (epoch %d/%d)",
                                    (System.nanoTime() - jobStartedAt[0]) / 1e9,
                                    Math.min(w.epochsDone + 1, EPOCHS),
                                    EPOCHS)
                            : w.scored + "/" + candidates + " scored";
                    if (w.trained > 0) {
                        where += " (after the training ended)";
                    }
                    long at = target == Target.EVERYTHING
                            ? cluster.terminateAllAndRestart()
                            : cluster.killAndReplace(target.killed());
                    w.killedAt = at;
                    killAt.set(where);
                    if (duringTraining) {
                        // Work resumes when a new trainer process starts the job again.
                        while (!w.finished) {
                            if (cluster.current(ChaosCluster.Role.TRAINER).logContains(jobLine)) {
                                w.pauseNs = System.nanoTime() - at;
                                return;
                            }
                            ChaosCluster.sleep(50);
                        }
                    }
                },
                "chaos-killer");
        killer.setDaemon(true);

        long doneAfterKillMs = -1;
        int lost = -1;
        int countedTwice = -1;
        boolean rankingEqual = false;
        String trainingEqual = target.trains() ? "NO" : "n/a";
        try (ExperimentClient client = new ExperimentClient(cluster.bootstrapServers())) {
            client.submit(spec);
            killer.start();
            ExperimentClient.FollowedExperiment o = client.follow(experimentId, TIMEOUT, w::update);
            long end = System.nanoTime();
            w.finished = true;
            killer.join(TimeUnit.MINUTES.toMillis(3));
            if (w.killedAt == 0) {
                problems.add(
                        duringTraining
                                ? "the training ended before the kill point (" + trainingDelayMs + " ms into epoch "
                                        + killEpoch + ")"
                                : "the experiment ended before the kill point (" + killAtScored + " scored)");
            } else {
                doneAfterKillMs = TimeUnit.NANOSECONDS.toMillis(end - w.killedAt);
            }
            Set<String> scored = new HashSet<>();
            o.scores().forEach(s -> scored.add(s.getGenomeHash()));
            Set<String> expected = new HashSet<>();
            ref.ranking().forEach(h -> expected.add(h.substring(0, h.indexOf('@'))));
            expected.removeAll(scored);
            lost = expected.size();
            countedTwice = (int) o.evaluation().getCandidatesScored() - scored.size();
            rankingEqual = ref.ranking().equals(viaKafka(o, target.probes()));
            if (lost != 0) {
                problems.add(lost + " candidate(s) lost");
            }
            if (countedTwice != 0) {
                problems.add("candidates_scored " + o.evaluation().getCandidatesScored() + " for " + scored.size()
                        + " genomes");
            }
            if (!rankingEqual) {
                problems.add("ranking differs from the uninterrupted one");
            }
            if (target.trains()) {
                trainingEqual = sameTraining(ref.trained(), o.trained()) ? "yes" : "NO";
                if (trainingEqual.equals("NO")) {
                    problems.add("trained " + summary(o.trained()) + ", uninterrupted " + summary(ref.trained()));
                }
            }
        } catch (RuntimeException e) {
            w.finished = true;
            problems.add(e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            problems.add("interrupted");
        }
        long pauseMs = -1;
        if (duringTraining) {
            pauseMs = w.pauseNs > 0 ? TimeUnit.NANOSECONDS.toMillis(w.pauseNs) : -1;
        } else if (target != Target.EVALUATOR && target != Target.PROBER && w.killedAt != 0 && w.longestPauseNs >= 0) {
            // Scoring does not wait for the evaluator; after the prober it waits for a whole
            // generation's probes too, which is no pause: neither is measured.
            pauseMs = TimeUnit.NANOSECONDS.toMillis(w.longestPauseNs);
        }
        if ((target == Target.SCORER || target == Target.TRAINER) && pauseMs > RESUME_LIMIT.toMillis()) {
            problems.add(String.format(
                    Locale.ROOT, "work resumed after %.1f s (limit %d s)", pauseMs / 1000.0, RESUME_LIMIT.toSeconds()));
        }
        // Every process back and serving before the next trial, so that each kill starts from the same state.
        try {
            cluster.awaitSteady();
        } catch (RuntimeException e) {
            problems.add("cluster not steady after the trial: " + e.getMessage());
        }
        notes.addAll(cluster.drainUnexpectedExits());
        if (!notes.isEmpty()) {
            problems.add("unexpected exits (restarted): " + String.join(", ", notes));
        }
        return new TrialRow(
                target,
                trial,
                seed,
                killAt.get(),
                pauseMs,
                doneAfterKillMs,
                lost,
                countedTwice,
                rankingEqual,
                trainingEqual,
                List.copyOf(problems));
    }

    private static boolean sameTraining(Map<String, TrainResult> expected, Map<String, TrainResult> actual) {
        if (!expected.keySet().equals(actual.keySet())) {
            return false;
        }
        for (Map.Entry<String, TrainResult> e : expected.entrySet()) {
            TrainResult a = actual.get(e.getKey());
            TrainResult x = e.getValue();
            // Bit for bit: the trainer resumes from its last epoch's checkpoint with the same seeds.
            if (a.getStatus() != TrainResult.Status.OK
                    || Double.doubleToLongBits(a.getTestAccuracy()) != Double.doubleToLongBits(x.getTestAccuracy())
                    || Double.doubleToLongBits(a.getTrainLoss()) != Double.doubleToLongBits(x.getTrainLoss())) {
                return false;
            }
        }
        return true;
    }

    private static String summary(Map<String, TrainResult> trained) {
        List<String> out = new ArrayList<>();
        trained.forEach((h, r) -> out.add(String.format(
                Locale.ROOT, "%s %s acc %s loss %s", h, r.getStatus(), r.getTestAccuracy(), r.getTrainLoss())));
        return out.toString();
    }

    private static ExperimentSpec spec(String runTag, String what, int trial, long seed, Target target) {
        return ExperimentPlan.specBuilder(
                        "chaos-" + runTag + "-" + what + "-" + trial + "-" + seed,
                        SPACE,
                        "evolution",
                        seed,
                        target.probes() ? PROBED_POPULATION : POPULATION,
                        target.probes() ? PROBED_GENERATIONS : GENERATIONS,
                        0)
                .setObjective(target.probes() ? "sahd" : "")
                .setTrainTopK(target.trains() ? 1 : 0)
                .setEpochs(EPOCHS)
                .setDataset("fashion-mnist")
                .setCreatedAtMs(System.currentTimeMillis())
                .build();
    }

    /**
     * (hash, ask position) of every score, in the client's order (flops_syops, then ask position);
     * with {@code probed}, each with its SAHD: equal lists mean the same candidates asked in the
     * same order with the same measurements, hence the same ranking under SAHD.
     */
    private static List<String> viaKafka(ExperimentClient.FollowedExperiment o, boolean probed) {
        List<String> out = new ArrayList<>();
        for (Score s : o.scores()) {
            out.add(s.getGenomeHash() + "@" + s.getSequence()
                    + (probed ? ":sahd=" + s.getExtraOrDefault("sahd", Double.NaN) : ""));
        }
        return out;
    }

    /** What the client has seen of one experiment, and when (written by the follow thread). */
    private static final class Watch {
        volatile int scored;
        volatile int trained;
        volatile int epochsDone;
        volatile boolean finished;
        volatile long killedAt;
        volatile long pauseNs;
        volatile long searchDoneAt;
        volatile long trainedAt;
        volatile long longestPauseNs = -1;
        private long lastScoredAt;

        void update(ExperimentClient.Progress p) {
            long now = System.nanoTime();
            if (p.scored() > scored) {
                long k = killedAt;
                if (k != 0) {
                    longestPauseNs = Math.max(longestPauseNs, now - Math.max(lastScoredAt, k));
                }
                lastScoredAt = now;
                scored = p.scored();
            }
            if (searchDoneAt == 0 && p.phase() == Report.Phase.SEARCH_DONE) {
                searchDoneAt = now;
            }
            if (p.lastEpoch() != null) {
                epochsDone = p.lastEpoch().getEpoch();
            }
            if (p.trained() > trained) {
                trained = p.trained();
                trainedAt = now;
            }
        }
    }
}
