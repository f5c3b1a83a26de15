package dev.autost.scorer;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.autost.domain.AutostException;
import dev.autost.domain.cost.CostEstimate;
import dev.autost.domain.cost.CostModel;
import dev.autost.domain.genome.Genome;
import dev.autost.domain.genome.InvalidGenomeException;
import dev.autost.domain.model.ModelSetting;
import dev.autost.messaging.ExperimentPlans;
import dev.autost.messaging.MessagingException;
import dev.autost.messaging.TransientFailureException;
import dev.autost.messaging.UnknownExperimentException;
import dev.autost.messaging.codec.ExperimentPlan;
import dev.autost.messaging.codec.GenomeMessages;
import dev.autost.messaging.codec.ScoreMessages;
import dev.autost.proto.SchemaVersions;
import dev.autost.proto.v1.CandidateMessage;
import dev.autost.proto.v1.Score;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The scorer's transform: the bytes of one {@link CandidateMessage} in, a {@link Score} or a
 * dead-letter reason out. No Kafka here, so it is tested on its own.
 *
 * <p>Checks, in order: the bytes decode; {@code schema_version} is known; {@code experiment_id}
 * is a valid key part; the genome is present and valid; {@code genome_hash} equals the hash the
 * domain computes; the experiment's model setting is known ({@link ExperimentPlans}); the
 * cost model can build the network. The first failing check is the dead-letter reason.
 *
 * <p>Deterministic: equal input gives an equal score, so a redelivered candidate produces the
 * same record again (scores are idempotent by experiment and hash). Thread-safe: the cost
 * models, one per model setting, are cached in a concurrent map and are thread-safe
 * themselves.
 */
public final class ScoreFunction {

    private final String scorerId;
    private final ExperimentPlans plans;
    private final ConcurrentHashMap<ModelSetting, CostModel> costModels = new ConcurrentHashMap<>();

    /**
     * @param scorerId written to {@link Score#getScorerId()}, e.g. {@code scorer-1/0.1.0}
     * @param plans the plan (and so the model setting) per experiment
     */
    public ScoreFunction(String scorerId, ExperimentPlans plans) {
        this.scorerId = Objects.requireNonNull(scorerId, "scorerId");
        this.plans = Objects.requireNonNull(plans, "plans");
    }

    /**
     * Scores the candidate serialized in {@code value}; never throws for bad input.
     *
     * @throws TransientFailureException when the experiment's plan cannot be read in time: the
     *     candidate is fine and must be scored later, not dead-lettered
     */
    public ScoreResult apply(byte[] value) {
        if (value == null) {
            return new ScoreResult.Rejected("record has no value (null)", null);
        }
        CandidateMessage candidate;
        try {
            candidate = CandidateMessage.parseFrom(value);
        } catch (InvalidProtocolBufferException e) {
            return new ScoreResult.Rejected("cannot decode CandidateMessage: " + e.getMessage(), e);
        }
        try {
            return score(candidate);
        } catch (TransientFailureException e) {
            throw e; // nothing wrong with the record: handled again, uncommitted
        } catch (AutostException | ArithmeticException e) {
            return new ScoreResult.Rejected(e.getMessage(), e);
        } catch (RuntimeException e) {
            // A bug or an input nobody thought of: one record must not stop the consumer.
            return new ScoreResult.Rejected("unexpected error while scoring: " + e, e);
        }
    }

    private ScoreResult score(CandidateMessage candidate) {
        int version = candidate.getSchemaVersion();
        if (!SchemaVersions.isKnown(version)) {
            return new ScoreResult.Rejected("unknown schema_version " + Integer.toUnsignedString(version), null);
        }
        String experimentId = candidate.getExperimentId();
        String idProblem = ExperimentPlan.idProblem(experimentId);
        if (idProblem != null) {
            return new ScoreResult.Rejected(idProblem, null);
        }
        if (!candidate.hasGenome()) {
            return new ScoreResult.Rejected("candidate has no genome", null);
        }
        Genome genome;
        try {
            genome = GenomeMessages.toDomain(candidate.getGenome());
        } catch (InvalidGenomeException e) {
            throw new InvalidGenomeException("invalid genome: " + e.getMessage(), e);
        }
        String hash = genome.hash();
        if (!hash.equals(candidate.getGenomeHash())) {
            return new ScoreResult.Rejected(
                    "genome_hash '" + candidate.getGenomeHash() + "' does not match the genome's hash '" + hash + "' ("
                            + genome.canonicalJson() + ")",
                    null);
        }
        ModelSetting setting;
        try {
            setting = plans.planOf(experimentId).space().modelSetting();
        } catch (UnknownExperimentException e) {
            throw e; // read to the end, and no spec: the candidate's fault
        } catch (MessagingException e) {
            // The experiments topic did not answer in time (a stalled broker): the spec may well be there.
            throw new TransientFailureException(
                    "cannot read the plan of experiment " + experimentId + ": " + e.getMessage(), e);
        }
        CostEstimate cost;
        try {
            cost = costModels.computeIfAbsent(setting, CostModel::new).estimate(genome);
        } catch (InvalidGenomeException e) {
            throw new InvalidGenomeException("genome " + hash + " cannot be built: " + e.getMessage(), e);
        }
        return new ScoreResult.Scored(ScoreMessages.score(candidate, genome, cost, scorerId));
    }
}
