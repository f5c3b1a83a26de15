package dev.autost.messaging.codec;

import dev.autost.domain.search.Candidate;
import dev.autost.proto.SchemaVersions;

/** The {@code Candidate} message of a search's candidate, keyed by its experiment. Stateless. */
public final class CandidateMessages {
    private CandidateMessages() {}

    /** The message the sampler publishes for {@code candidate} of {@code experimentId}. */
    public static dev.autost.proto.v1.Candidate toProto(String experimentId, Candidate candidate) {
        return dev.autost.proto.v1.Candidate.newBuilder()
                .setSchemaVersion(SchemaVersions.CURRENT)
                .setExperimentId(experimentId)
                .setGenomeHash(candidate.genome().hash())
                .setGenome(GenomeMessages.toProto(candidate.genome()))
                .setGeneration(candidate.generation())
                .setSequence(candidate.id())
                .build();
    }
}
