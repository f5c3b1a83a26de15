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
        private final Map<String, Score> scores = new ConcurrentHashMap<>();
        private final Map<String, TrainResult> results = new ConcurrentHashMap<>();

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
        public int scored() {
            return scores.size();
        }

        /**
         * The scores ranked under the experiment's objective, best first (score down, ask order
         * up), as its sampler ranks them; a candidate joins once its objective value is known.
         */
        public List<ScoreMessages.Ranked> ranking() {
            return ScoreMessages.rank(scores.values(), objective, syopsBatch, CalibrationMessages.choices(search));
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

        /** The most advanced phase known: the evaluator's final word wins over the sampler's. */
        public Report.Phase phase() {
            Report e = evaluation;
            if (e != null
                    && (e.getPhase() == Report.Phase.FINISHED
                            || e.getPhase() == Report.Phase.STOPPED
                            || e.getPhase() == Report.Phase.FAILED)) {
                return e.getPhase();
            }
            Report s = search;
            return s == null ? (spec == null ? Report.Phase.PHASE_UNSPECIFIED : Report.Phase.RUNNING) : s.getPhase();
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(ExperimentStore.class);

    private final Map<String, Experiment> experiments = new ConcurrentSkipListMap<>();
    private final AtomicLong skipped = new AtomicLong();

    public List<Experiment> experiments() {
        return List.copyOf(experiments.values());
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
        try {
            switch (r.topic()) {
                case Topics.EXPERIMENTS -> {
                    ExperimentSpec spec = ExperimentSpec.parseFrom(r.value());
                    if (!spec.getExperimentId().isEmpty()) {
                        Experiment e = get(spec.getExperimentId());
                        e.spec = spec;
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
                    Score s = Score.parseFrom(r.value());
                    // Every response built from a score reads its genome: check it once here, so
                    // one bad record cannot turn the experiment's calls into errors.
                    GenomeMessages.toDomain(s.getGenome());
                    get(s.getExperimentId()).scores.merge(s.getGenomeHash(), s, ScoreMessages::keep);
                }
                case Topics.TRAIN_RESULTS -> {
                    TrainResult t = TrainResult.parseFrom(r.value());
                    get(t.getExperimentId()).results.put(t.getGenomeHash(), t);
                    get(t.getExperimentId()).running.remove(t.getGenomeHash());
                }
                case Topics.TRAIN_PROGRESS -> {
                    TrainProgress p = TrainProgress.parseFrom(r.value());
                    if (!p.getExperimentId().isEmpty() && !p.getGenomeHash().isEmpty() && p.getEpoch() <= 100_000) {
                        get(p.getExperimentId()).onProgress(p);
                    }
                }
                case Topics.REPORTS -> {
                    Report rep = Report.parseFrom(r.value());
                    if (Topics.isEvaluationKey(key)) {
                        get(rep.getExperimentId()).evaluation = rep;
                    } else {
                        get(rep.getExperimentId()).search = rep;
                    }
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

    @Override
    public List<ProducerRecord<byte[], byte[]>> onCaughtUp() {
        return List.of();
    }

    private Experiment get(String id) {
        return experiments.computeIfAbsent(id, Experiment::new);
    }
}
