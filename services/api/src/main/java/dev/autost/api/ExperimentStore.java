package dev.autost.api;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.autost.domain.AutostException;
import dev.autost.domain.model.ModelSetting;
import dev.autost.domain.search.Objective;
import dev.autost.messaging.ReplayingLoop;
import dev.autost.messaging.Topics;
import dev.autost.messaging.codec.CalibrationMessages;
import dev.autost.messaging.codec.ExperimentPlan;
import dev.autost.messaging.codec.GenomeMessages;
import dev.autost.messaging.codec.ReportMessages;
import dev.autost.messaging.codec.ScoreMessages;
import dev.autost.proto.v1.ExperimentSpec;
import dev.autost.proto.v1.Report;
import dev.autost.proto.v1.Score;
import dev.autost.proto.v1.TrainProgress;
import dev.autost.proto.v1.TrainResult;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The API's read model: every experiment's spec, latest search and evaluation reports, scores
 * and training results, kept current from the compacted topics by a {@link ReplayingLoop}.
 *
 * <p>A finished experiment (the evaluator's final report is in) keeps its summary instead of its
 * scores: the candidates of that report's leaderboard (the best under its objective and every
 * trained one), its results, curves and reports. So memory follows the running experiments, not
 * the history, and a restart reads reports first and skips finished experiments' scores undecoded.
 * Produces nothing (the services dead-letter malformed records; the API skips them, logs each
 * with its reason and counts them in {@link #skipped()}: a score whose genome cannot be read
 * never reaches a response).
 *
 * <p>Thread-safe: the loop thread writes, HTTP handlers read concurrent maps and immutable
 * protobuf messages.
 */
public final class ExperimentStore implements ReplayingLoop.Handler {
    /** One experiment as the API sees it. */
    public static final class Experiment {
        private final String id;
        private volatile ExperimentSpec spec;
        /** From the spec; the paper's until a usable spec is seen. */
        private volatile Objective objective = Objective.DEFAULT;

        private volatile int syopsBatch = ModelSetting.OFFICIAL.syopsBatch();

        private volatile ModelSetting setting = ModelSetting.OFFICIAL;
        /** Epoch reports per trained candidate (bounded by its epochs), and the last in-epoch one. */
        private final Map<String, java.util.NavigableMap<Integer, TrainProgress>> curves = new ConcurrentHashMap<>();

        private final Map<String, TrainProgress> running = new ConcurrentHashMap<>();
        private volatile Report search;
        private volatile Report evaluation;
        /** Every score while it runs; the summary's candidates once it is finished. */
        private volatile Map<String, Score> scores = new ConcurrentHashMap<>();

        private final Map<String, TrainResult> results = new ConcurrentHashMap<>();
        /** Set once the evaluator's final report replaced the scores by its summary. */
        private volatile boolean finished;
        /** Candidates scored, counted by the evaluator, once finished. */
        private volatile long scoredTotal;
        /** Bumped by every change the ranking depends on: a call ranks again only after one. */
        private final AtomicLong version = new AtomicLong();
        /** Bumped by the other changes a chart shows: train results, the evaluator's reports. */
        private final AtomicLong otherChanges = new AtomicLong();

        private volatile RankingCache rankingCache;

        /**
         * Timestamp of the newest record that shows its training moving: the sampler's report
         * (which publishes the train requests), a trainer's progress or result.
         */
        private volatile long lastTrainingSignMs;

        private record RankingCache(long version, List<ScoreMessages.Ranked> ranking, long computedAtNanos) {}

        /**
         * A ranking of at least this many scores is reused, while scores arrive, for up to
         * {@link #RANKING_REUSE_NANOS}: a running search of 100 000 scores changes many times a
         * second, and every call sorted them all again.
         */
        static final int LARGE_RANKING = 10_000;

        static final long RANKING_REUSE_NANOS = 1_000_000_000L;

        /** Changes to anything the charts show: a chart is drawn again only after one. */
        public long changes() {
            return version.get() + otherChanges.get();
        }

        private void trainingSign(long timestampMs) {
            lastTrainingSignMs = Math.max(lastTrainingSignMs, timestampMs);
        }

        /**
         * What the experiment waits for, when it has waited long: "a trainer" once its search is
         * done, results are missing and no trainer has shown any sign of its trainings (progress
         * or a result) for {@link #WAITING_AFTER}. Trainers report progress at least every 10 s
         * while they train, so a silence that long means nobody took the requests.
         */
        public Optional<String> waitingFor(long nowMs) {
            Report r = search;
            if (r == null || phase() != Report.Phase.SEARCH_DONE || !running.isEmpty()) {
                return Optional.empty();
            }
            int missing = r.getTrainExpected() - results.size();
            long silent = nowMs - lastTrainingSignMs;
            if (missing <= 0 || silent < WAITING_AFTER.toMillis()) {
                return Optional.empty();
            }
            return Optional.of(String.format(
                    java.util.Locale.ROOT,
                    "a trainer: %d of %d train requests not taken for %d s (is a trainer running? `autost serve`"
                            + " runs one unless --no-trainer; elsewhere `autost service trainer`)",
                    missing,
                    r.getTrainExpected(),
                    silent / 1000));
        }

        Experiment(String id) {
            this.id = id;
        }

        public String id() {
            return id;
        }

        public Optional<ExperimentSpec> spec() {
            return Optional.ofNullable(spec);
        }

        public Optional<Report> search() {
            return Optional.ofNullable(search);
        }

        public Optional<Report> evaluation() {
            return Optional.ofNullable(evaluation);
        }

        /** Why the experiment failed, when it did (the sampler's or the evaluator's FAILED report). */
        public Optional<String> failureReason() {
            if (phase() != Report.Phase.FAILED) {
                return Optional.empty();
            }
            Report e = evaluation != null && evaluation.getPhase() == Report.Phase.FAILED ? evaluation : search;
            return Optional.of(e.getFailureReason());
        }

        public Map<String, TrainResult> results() {
            return Map.copyOf(results);
        }

        public Optional<Score> score(String hash) {
            return Optional.ofNullable(scores.get(hash));
        }

        /** Candidates scored so far. */
        public long scored() {
            return finished ? Math.max(scoredTotal, scores.size()) : scores.size();
        }

        /** Candidates whose scores this view holds: all while running, the summary's once finished. */
        public int kept() {
            return scores.size();
        }

        /** Whether the evaluator's final report replaced the scores by its summary. */
        public boolean summarised() {
            return finished;
        }

        /**
         * The scores ranked under the experiment's objective, best first (score down, ask order
         * up), as its sampler ranks them; a candidate joins once its objective value is known.
         * Ranked again only after a change, so repeated leaderboard calls do not sort every score;
         * a large running one ({@link #LARGE_RANKING}) at most once a second while scores arrive.
         */
        public List<ScoreMessages.Ranked> ranking() {
            long v = version.get();
            RankingCache c = rankingCache;
            long now = System.nanoTime();
            if (c != null
                    && (c.version() == v
                            || (!finished
                                    && c.ranking().size() >= LARGE_RANKING
                                    && now - c.computedAtNanos() < RANKING_REUSE_NANOS))) {
                return c.ranking();
            }
            List<ScoreMessages.Ranked> ranked = List.copyOf(
                    ScoreMessages.rank(scores.values(), objective, syopsBatch, CalibrationMessages.choices(search)));
            rankingCache = new RankingCache(v, ranked, System.nanoTime());
            return ranked;
        }

        /**
         * The evaluator's final report is in: keep the candidates of its leaderboard (each score
         * held so far, else rebuilt from the report) and drop the other scores.
         */
        void summarise(Report finalReport) {
            Map<String, Score> kept = new ConcurrentHashMap<>();
            for (dev.autost.proto.v1.RankedCandidate c : finalReport.getTopList()) {
                Score held = scores.get(c.getGenomeHash());
                Score s = held != null ? held : ScoreMessages.fromRanked(id, c);
                try {
                    GenomeMessages.toDomain(s.getGenome());
                    kept.put(c.getGenomeHash(), s);
                } catch (AutostException e) {
                    LOG.warn("experiment {}: summary candidate {} skipped: {}", id, c.getGenomeHash(), e.getMessage());
                }
            }
            scoredTotal = finalReport.getCandidatesScored();
            scores = kept;
            running.clear();
            evaluation = finalReport.toBuilder().clearTop().build(); // its candidates are the scores now
            finished = true;
            version.incrementAndGet();
        }

        /** Every score, in no particular order. */
        public List<Score> scores() {
            return List.copyOf(scores.values());
        }

        /** What the experiment maximises. */
        public Objective objective() {
            return objective;
        }

        /** The network setting its candidates are scored in (for their per-layer costs). */
        public ModelSetting setting() {
            return setting;
        }

        /** A candidate's training so far: one report per finished epoch, in epoch order. */
        public List<TrainProgress> curve(String hash) {
            java.util.NavigableMap<Integer, TrainProgress> c = curves.get(hash);
            return c == null ? List.of() : List.copyOf(c.values());
        }

        /** The last report from inside the epoch a candidate is training, if it is. */
        public Optional<TrainProgress> running(String hash) {
            return Optional.ofNullable(running.get(hash));
        }

        void onProgress(TrainProgress p) {
            if (p.getStep() > 0) {
                running.put(p.getGenomeHash(), p);
                return;
            }
            curves.computeIfAbsent(p.getGenomeHash(), h -> new java.util.concurrent.ConcurrentSkipListMap<>())
                    .put(p.getEpoch(), p);
            TrainProgress inside = running.get(p.getGenomeHash());
            if (inside != null && inside.getEpoch() <= p.getEpoch()) {
                running.remove(p.getGenomeHash()); // that epoch is over
            }
        }

        /**
         * The most advanced phase known: the evaluator's final word wins over the sampler's. Before
         * the sampler's first report it is unspecified ({@code submitted}): the spec may still be
         * waiting for a running slot, so it is not shown as running.
         */
        public Report.Phase phase() {
            return ReportMessages.current(search, evaluation);
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(ExperimentStore.class);

    /** Silence of an experiment's trainings after which it says it waits for a trainer. */
    public static final java.time.Duration WAITING_AFTER = java.time.Duration.ofSeconds(120);

    private final Map<String, Experiment> experiments = new ConcurrentSkipListMap<>();
    private final AtomicLong skipped = new AtomicLong();
    /** The one experiment a {@link #forExperiment} store reads; null for the API's (all). */
    private final String only;

    /** The API's store: every experiment, finished ones as their summary. */
    public ExperimentStore() {
        this(null);
    }

    private ExperimentStore(String only) {
        this.only = only;
    }

    /**
     * A store of one experiment that keeps all of it, finished or not (every score while the
     * scores topic retains them); other experiments' records are skipped by key. For one-shot
     * readers such as {@code autost report}.
     */
    public static ExperimentStore forExperiment(String experimentId) {
        return new ExperimentStore(java.util.Objects.requireNonNull(experimentId, "experimentId"));
    }

    public List<Experiment> experiments() {
        return List.copyOf(experiments.values());
    }

    /**
     * Experiments whose search has not begun: announced but not reported on by a sampler yet, or
     * queued for a running slot.
     */
    public long waiting() {
        return experiments.values().stream()
                .filter(e -> e.spec().isPresent()
                        && (e.phase() == Report.Phase.PHASE_UNSPECIFIED
                                || (e.phase() == Report.Phase.RUNNING
                                        && e.search().map(Report::getQueued).orElse(false))))
                .count();
    }

    public Optional<Experiment> experiment(String id) {
        return Optional.ofNullable(experiments.get(id));
    }

    @Override
    public List<ProducerRecord<byte[], byte[]>> onRecord(ConsumerRecord<byte[], byte[]> r, boolean replaying) {
        if (r.value() == null || r.key() == null) {
            return List.of();
        }
        String key = new String(r.key(), StandardCharsets.UTF_8);
        if (only != null && !only.equals(Topics.experimentOfKey(r.key()))) {
            return List.of();
        }
        try {
            switch (r.topic()) {
                case Topics.EXPERIMENTS -> {
                    ExperimentSpec spec = ExperimentSpec.parseFrom(r.value());
                    if (!spec.getExperimentId().isEmpty()) {
                        Experiment e = get(spec.getExperimentId());
                        e.spec = spec;
                        e.version.incrementAndGet();
                        try {
                            ExperimentPlan plan = ExperimentPlan.fromSpec(spec);
                            e.objective = plan.objective();
                            e.syopsBatch = plan.space().setting().syopsBatch();
                            e.setting = plan.space().modelSetting();
                        } catch (AutostException ignored) {
                            // The sampler refuses it and reports it FAILED; nothing to rank.
                        }
                    }
                }
                case Topics.SCORES -> {
                    Experiment of = experiments.get(Topics.experimentOfKey(r.key()));
                    if (of != null && of.finished) {
                        return List.of(); // its summary stands in for its scores: not even decoded
                    }
                    Score s = Score.parseFrom(r.value());
                    // Every response built from a score reads its genome: check it once here, so
                    // one bad record cannot turn the experiment's calls into errors.
                    GenomeMessages.toDomain(s.getGenome());
                    Experiment e = get(s.getExperimentId());
                    if (!e.finished) {
                        e.scores.merge(s.getGenomeHash(), s, ScoreMessages::keep);
                        e.version.incrementAndGet();
                    }
                }
                case Topics.TRAIN_RESULTS -> {
                    TrainResult t = TrainResult.parseFrom(r.value());
                    Experiment e = announced(t.getExperimentId(), replaying);
                    if (e != null) {
                        e.results.put(t.getGenomeHash(), t);
                        e.running.remove(t.getGenomeHash());
                        e.otherChanges.incrementAndGet();
                        e.trainingSign(r.timestamp());
                    }
                }
                case Topics.TRAIN_PROGRESS -> {
                    TrainProgress p = TrainProgress.parseFrom(r.value());
                    Experiment e = announced(p.getExperimentId(), replaying);
                    if (e != null && !p.getGenomeHash().isEmpty() && p.getEpoch() <= 100_000) {
                        e.onProgress(p);
                        e.trainingSign(r.timestamp());
                    }
                }
                case Topics.REPORTS -> {
                    Report rep = Report.parseFrom(r.value());
                    Experiment e = get(rep.getExperimentId());
                    if (!Topics.isEvaluationKey(key)) {
                        e.search = rep;
                        e.trainingSign(r.timestamp());
                        e.version.incrementAndGet(); // calibration choices rank
                    } else if (ReportMessages.isFinal(rep.getPhase()) && only == null) {
                        e.summarise(rep);
                    } else if (!e.finished) {
                        e.evaluation = rep;
                    }
                    e.otherChanges.incrementAndGet();
                }
                default -> {}
            }
        } catch (InvalidProtocolBufferException | AutostException e) {
            // The services dead-letter malformed records; the read model skips them.
            skip(r, e.getMessage());
        }
        return List.of();
    }

    /** Records skipped because they could not be read (undecodable, or a score with a malformed genome). */
    public long skipped() {
        return skipped.get();
    }

    private void skip(ConsumerRecord<byte[], byte[]> r, String reason) {
        skipped.incrementAndGet();
        LOG.warn("skipped {}-{}@{}: {}", r.topic(), r.partition(), r.offset(), reason);
    }

    /** Reports first: a finished experiment's scores are then skipped, never held. */
    @Override
    public List<String> replayFirst() {
        return List.of(Topics.REPORTS);
    }

    @Override
    public List<ProducerRecord<byte[], byte[]>> onCaughtUp() {
        // Training records of ids no spec or report announced (a replay reads the topics in no
        // fixed order, so they were kept until now): no experiment to show them in.
        experiments.values().removeIf(e -> e.spec == null && e.search == null && e.evaluation == null && !e.finished);
        return List.of();
    }

    private Experiment get(String id) {
        return experiments.computeIfAbsent(id, Experiment::new);
    }

    /**
     * The experiment a trainer's record belongs to: live, only one a spec or report announced (a
     * result or progress of any other id made a phantom experiment that stayed for good); while
     * replaying, any, as its spec may come later ({@link #onCaughtUp} drops those it did not).
     */
    private Experiment announced(String id, boolean replaying) {
        if (id.isEmpty()) {
            return null;
        }
        return replaying ? get(id) : experiments.get(id);
    }
}
