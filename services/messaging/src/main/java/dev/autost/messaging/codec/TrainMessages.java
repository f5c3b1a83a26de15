package dev.autost.messaging.codec;

import dev.autost.domain.genome.Genome;
import dev.autost.domain.model.Backbone;
import dev.autost.proto.SchemaVersions;
import dev.autost.proto.v1.TrainRequest;
import dev.autost.proto.v1.TrainResult;

/**
 * The {@link TrainRequest} message, what a trainer needs to train one architecture, and what a
 * {@link TrainResult} says. Stateless.
 */
public final class TrainMessages {
    private TrainMessages() {}

    /**
     * @param rank      the architecture's place in its experiment's ranking (1 = best)
     * @param timeSteps T when the genome does not set it
     */
    public static TrainRequest request(
            String experimentId,
            Genome genome,
            String dataset,
            int epochs,
            long seed,
            int rank,
            Backbone backbone,
            int timeSteps) {
        return TrainRequest.newBuilder()
                .setSchemaVersion(SchemaVersions.CURRENT)
                .setExperimentId(experimentId)
                .setGenomeHash(genome.hash())
                .setGenome(GenomeMessages.toProto(genome))
                .setDataset(dataset)
                .setEpochs(epochs)
                .setSeed(seed)
                .setRank(rank)
                .setBackbone(backbone.id())
                .setTimeSteps(genome.timeStepsOr(timeSteps))
                .build();
    }

    /** Whether {@code r} is a result whose training succeeded (null: no result yet). */
    public static boolean succeeded(TrainResult r) {
        return r != null && r.getStatus() == TrainResult.Status.OK;
    }
}
