package dev.autost.messaging.codec;

import dev.autost.domain.search.Candidate;
import dev.autost.proto.SchemaVersions;
import dev.autost.proto.v1.CandidateMessage;

/** The {@code Candidate} message of a search's candidate, keyed by its experiment. Stateless. */
public final class CandidateMessages {
    private CandidateMessages() {}

    /** The message the sampler publishes for {@code candidate} of {@code experimentId}. */
    public static CandidateMessage toProto(String experimentId, Candidate candidate) {
        return toProto(experimentId, candidate, false);
    }

    /** As above; {@code skipProbe}: a probe gate leaves this candidate unprobed. */
    public static CandidateMessage toProto(String experimentId, Candidate candidate, boolean skipProbe) {
        return CandidateMessage.newBuilder()
                .setSchemaVersion(SchemaVersions.CURRENT)
                .setExperimentId(experimentId)
                .setGenomeHash(candidate.genome().hash())
                .setGenome(GenomeMessages.toProto(candidate.genome()))
                .setGeneration(candidate.generation())
                .setSequence(candidate.id())
                .setSkipProbe(skipProbe)
                .build();
    }
}
