package dev.autost.scorer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.autost.domain.cost.CostEstimate;
import dev.autost.domain.cost.CostModel;
import dev.autost.domain.genome.Genome;
import dev.autost.domain.genome.InvalidGenomeException;
import dev.autost.domain.model.ModelSetting;
import dev.autost.domain.space.SearchSpaces;
import dev.autost.messaging.ExperimentCache;
import dev.autost.messaging.UnknownExperimentException;
import dev.autost.messaging.codec.ExperimentPlan;
import dev.autost.messaging.codec.GenomeMessages;
import dev.autost.proto.SchemaVersions;
import dev.autost.proto.v1.CandidateMessage;
import dev.autost.proto.v1.Score;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ScoreFunctionTest {

    private static final String EXPERIMENT = "exp-1";
    private static final ModelSetting SMALL = SearchSpaces.builtIn("small").modelSetting();
    private static final Genome REFERENCE = Genome.uniform(4, 4.0, 8, 384);

    private final ExperimentCache cache = new ExperimentCache();
    private final ScoreFunction function = new ScoreFunction("scorer-test", cache);

    ScoreFunctionTest() {
        cache.put(
                EXPERIMENT,
                ExperimentPlan.fromSpec(
                        ExperimentPlan.specBuilder(EXPERIMENT, SearchSpaces.builtIn("small"), "evolution", 1, 0, 0, 0)
                                .build()));
    }

    private static CandidateMessage.Builder candidate(Genome genome) {
        return CandidateMessage.newBuilder()
                .setSchemaVersion(SchemaVersions.CURRENT)
                .setExperimentId(EXPERIMENT)
                .setGenomeHash(genome.hash())
                .setGenome(GenomeMessages.toProto(genome))
                .setGeneration(3)
                .setSequence(42);
    }

    private static ScoreResult.Rejected rejected(ScoreResult result) {
        return assertInstanceOf(ScoreResult.Rejected.class, result);
    }

    @Test
    void apply_referenceGenomeOnSmallSpace_matchesPaperFigures() {
        Score score = assertInstanceOf(
                        ScoreResult.Scored.class,
                        function.apply(candidate(REFERENCE).build().toByteArray()))
                .score();

        assertEquals(9_359_411L, score.getParams());
        assertEquals(3703150515.125, score.getFlopsSyops());
    }

    @Test
    void apply_referenceGenome_equalsCostModelEstimateInEveryField() {
        CostEstimate expected = new CostModel(SMALL).estimate(REFERENCE);

        Score score = assertInstanceOf(
                        ScoreResult.Scored.class,
                        function.apply(candidate(REFERENCE).build().toByteArray()))
                .score();

        assertEquals(SchemaVersions.CURRENT, score.getSchemaVersion());
        assertEquals(EXPERIMENT, score.getExperimentId());
        assertEquals(REFERENCE.hash(), score.getGenomeHash());
        assertEquals(REFERENCE, GenomeMessages.toDomain(score.getGenome()));
        assertEquals(3, score.getGeneration());
        assertEquals(42, score.getSequence());
        assertEquals(expected.params(), score.getParams());
        assertEquals(expected.flopsSyops(), score.getFlopsSyops());
        assertEquals((double) expected.flopsFull(), score.getFlopsFull());
        assertEquals(expected.energyPj(), score.getEnergyPj());
        assertEquals(expected.energyFullPj(), score.getExtraOrThrow("energy_full_pj"));
        assertEquals(expected.acOps(), score.getExtraOrThrow("ac_ops"));
        assertEquals(expected.macOps(), score.getExtraOrThrow("mac_ops"));
        assertEquals("scorer-test", score.getScorerId());
    }

    @Test
    void apply_sameCandidateTwice_givesEqualScores() {
        byte[] bytes = candidate(REFERENCE).build().toByteArray();

        assertEquals(function.apply(bytes), function.apply(bytes));
    }

    @Test
    void apply_garbageBytes_rejectsAsUndecodable() {
        var r = rejected(function.apply("not a protobuf".getBytes(StandardCharsets.UTF_8)));

        assertTrue(r.reason().startsWith("cannot decode CandidateMessage"), r.reason());
        assertInstanceOf(InvalidProtocolBufferException.class, r.error());
    }

    @Test
    void apply_nullValue_rejects() {
        assertTrue(rejected(function.apply(null)).reason().contains("no value"));
    }

    @Test
    void apply_unknownSchemaVersion_rejectsNamingVersion() {
        var r = rejected(
                function.apply(candidate(REFERENCE).setSchemaVersion(7).build().toByteArray()));

        assertEquals("unknown schema_version 7", r.reason());
        assertNull(r.error());
    }

    @Test
    void apply_emptyBytes_rejectsAsSchemaVersionZero() {
        assertEquals(
                "unknown schema_version 0",
                rejected(function.apply(new byte[0])).reason());
    }

    @Test
    void apply_hashMismatch_rejectsNamingBothHashes() {
        var r = rejected(function.apply(
                candidate(REFERENCE).setGenomeHash("0123456789abcdef").build().toByteArray()));

        assertTrue(r.reason().contains("'0123456789abcdef' does not match"), r.reason());
        assertTrue(r.reason().contains(REFERENCE.hash()), r.reason());
    }

    @Test
    void apply_unknownExperiment_rejectsWithUnknownExperimentException() {
        var r = rejected(function.apply(
                candidate(REFERENCE).setExperimentId("nobody").build().toByteArray()));

        assertTrue(r.reason().contains("unknown experiment 'nobody'"), r.reason());
        assertInstanceOf(UnknownExperimentException.class, r.error());
    }

    @Test
    void apply_experimentIdWithSlash_rejects() {
        var r = rejected(function.apply(
                candidate(REFERENCE).setExperimentId("a/b").build().toByteArray()));

        assertTrue(r.reason().contains("without '/'"), r.reason());
    }

    @Test
    void apply_missingGenome_rejects() {
        var r = rejected(
                function.apply(candidate(REFERENCE).clearGenome().build().toByteArray()));

        assertEquals("candidate has no genome", r.reason());
    }

    @Test
    void apply_invalidGenome_rejectsWithDomainMessage() {
        var bad = candidate(REFERENCE)
                .setGenome(GenomeMessages.toProto(REFERENCE).toBuilder().setDepth(5));

        var r = rejected(function.apply(bad.build().toByteArray()));

        assertTrue(r.reason().startsWith("invalid genome: mlp_ratios has 4 entries but depth is 5"), r.reason());
        assertInstanceOf(InvalidGenomeException.class, r.error());
    }

    @Test
    void apply_genomeThatCannotBeBuilt_rejectsNamingHash() {
        Genome unbuildable = Genome.uniform(2, 4.0, 7, 384); // 384 is not divisible by 7 heads

        var r = rejected(function.apply(candidate(unbuildable).build().toByteArray()));

        assertTrue(r.reason().contains(unbuildable.hash() + " cannot be built"), r.reason());
        assertTrue(r.reason().contains("num_heads[0] = 7"), r.reason());
    }

    @Test
    void apply_settingLookupThrowsUnexpectedly_rejectsInsteadOfThrowing() {
        ScoreFunction broken = new ScoreFunction("s", id -> {
            throw new IllegalStateException("boom");
        });

        var r = rejected(broken.apply(candidate(REFERENCE).build().toByteArray()));

        assertTrue(r.reason().contains("unexpected error") && r.reason().contains("boom"), r.reason());
    }

    /**
     * A read of the experiments topic that times out (a stalled broker) says nothing about the
     * candidate: it was dead-lettered as "unexpected error" and committed, and its search waited
     * for that score until the sampler's next restart.
     */
    @Test
    void apply_planReadTimesOut_throwsTransientFailureInsteadOfRejecting() {
        ScoreFunction stalled = new ScoreFunction("s", id -> {
            throw new dev.autost.messaging.MessagingException(
                    "autost.experiments not read to its end within 30 s", null);
        });

        var e = org.junit.jupiter.api.Assertions.assertThrows(
                dev.autost.messaging.TransientFailureException.class,
                () -> stalled.apply(candidate(REFERENCE).build().toByteArray()));

        assertTrue(e.getMessage().contains("within 30 s"), e.getMessage());
    }
}
