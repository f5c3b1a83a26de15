package dev.autost.prober;

import dev.autost.domain.cost.CostModel;
import dev.autost.domain.genome.Genome;
import dev.autost.domain.space.SearchSpaces;
import dev.autost.messaging.codec.GenomeMessages;
import dev.autost.messaging.codec.ScoreMessages;
import dev.autost.proto.SchemaVersions;
import dev.autost.proto.v1.CandidateMessage;
import dev.autost.proto.v1.Score;

/** Scores as the scorer publishes them, for genomes of the fashion-micro space (the prober's tests). */
final class FashionMicroScores {
    private FashionMicroScores() {}

    /** The cost model's score of {@code genome} in {@code experiment}, not probed. */
    static Score score(String experiment, Genome genome) {
        CandidateMessage c = CandidateMessage.newBuilder()
                .setSchemaVersion(SchemaVersions.CURRENT)
                .setExperimentId(experiment)
                .setGenomeHash(genome.hash())
                .setGenome(GenomeMessages.toProto(genome))
                .build();
        CostModel model = new CostModel(SearchSpaces.builtIn("fashion-micro").modelSetting());
        return ScoreMessages.score(c, genome, model.estimate(genome), "scorer-test");
    }
}
