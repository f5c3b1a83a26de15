package dev.autost.messaging.codec;

import com.google.protobuf.InvalidProtocolBufferException;
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

    /**
     * A train result's bytes decoded, or null when they are not a result of a known schema version
     * (a reader that leaves bad records to the evaluator, which dead-letters them, skips it).
     */
    public static TrainResult readable(byte[] value) {
        try {
            TrainResult r = TrainResult.parseFrom(value);
            return SchemaVersions.isKnown(r.getSchemaVersion()) ? r : null;
        } catch (InvalidProtocolBufferException e) {
            return null;
        }
    }

    /** Whether {@code r} is a result whose training succeeded (null: no result yet). */
    public static boolean succeeded(TrainResult r) {
        return r != null && r.getStatus() == TrainResult.Status.OK;
    }
}
