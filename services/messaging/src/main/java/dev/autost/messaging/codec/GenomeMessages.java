package dev.autost.messaging.codec;

import dev.autost.domain.genome.Genome;
import dev.autost.domain.genome.InvalidGenomeException;
import dev.autost.proto.v1.GenomeMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Maps the wire {@link dev.autost.proto.v1.GenomeMessage} to the domain {@link Genome} and back.
 *
 * <p>Protobuf has no unsigned int in Java: a {@code uint32} above {@link Integer#MAX_VALUE}
 * arrives as a negative {@code int}. Those values are refused here with their unsigned value in
 * the message, instead of reaching the domain as nonsense negatives. Everything else is checked
 * by the {@link Genome} constructor. Stateless and thread-safe.
 */
public final class GenomeMessages {

    private GenomeMessages() {}

    /**
     * The domain genome of {@code message}.
     *
     * @throws InvalidGenomeException naming the field and value that are wrong
     */
    public static Genome toDomain(GenomeMessage message) {
        Objects.requireNonNull(message, "message");
        int depth = unsigned("depth", message.getDepth());
        int embedDim = unsigned("embed_dim", message.getEmbedDim());
        int timeSteps = unsigned("time_steps", message.getTimeSteps());
        List<Integer> heads = new ArrayList<>(message.getNumHeadsCount());
        for (int i = 0; i < message.getNumHeadsCount(); i++) {
            heads.add(unsigned("num_heads[" + i + "]", message.getNumHeads(i)));
        }
        List<Double> ratios = new ArrayList<>(message.getMlpRatiosList());
        try {
            return new Genome(depth, ratios, heads, embedDim, timeSteps);
        } catch (NullPointerException e) {
            // Cannot happen for a parsed message (repeated fields are never null); keep the contract.
            throw new InvalidGenomeException("genome has a missing field: " + e.getMessage(), e);
        }
    }

    /** The wire form of {@code genome}; {@code time_steps} stays 0 when not searched. */
    public static GenomeMessage toProto(Genome genome) {
        Objects.requireNonNull(genome, "genome");
        return GenomeMessage.newBuilder()
                .setDepth(genome.depth())
                .addAllMlpRatios(genome.mlpRatios())
                .addAllNumHeads(genome.numHeads())
                .setEmbedDim(genome.embedDim())
                .setTimeSteps(genome.timeSteps())
                .build();
    }

    private static int unsigned(String field, int value) {
        if (value < 0) {
            throw new InvalidGenomeException(field + " is too large: " + Integer.toUnsignedString(value) + " (at most "
                    + Integer.MAX_VALUE + ")");
        }
        return value;
    }
}
