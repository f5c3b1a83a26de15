package dev.autost.messaging.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.autost.domain.genome.Genome;
import dev.autost.domain.genome.InvalidGenomeException;
import dev.autost.proto.v1.GenomeMessage;
import java.util.List;
import org.junit.jupiter.api.Test;

class GenomeMessagesTest {

    private static GenomeMessage.Builder reference() {
        return GenomeMessage.newBuilder()
                .setDepth(2)
                .addAllMlpRatios(List.of(4.0, 3.5))
                .addAllNumHeads(List.of(8, 4))
                .setEmbedDim(256);
    }

    @Test
    void toDomain_validMessage_mapsEveryField() {
        Genome genome = GenomeMessages.toDomain(reference().setTimeSteps(6).build());

        assertEquals(new Genome(2, List.of(4.0, 3.5), List.of(8, 4), 256, 6), genome);
    }

    @Test
    void roundTrip_domainToProtoAndBack_isIdentity() {
        Genome genome = new Genome(3, List.of(3.0, 4.0, 5.0), List.of(4, 8, 4), 384, 0);

        assertEquals(genome, GenomeMessages.toDomain(GenomeMessages.toProto(genome)));
    }

    @Test
    void toProto_timeStepsNotSearched_leavesZero() {
        assertEquals(0, GenomeMessages.toProto(Genome.uniform(2, 4, 8, 256)).getTimeSteps());
    }

    @Test
    void toDomain_ratioCountDiffersFromDepth_throwsNamingField() {
        var message = reference().setDepth(3).build();

        var e = assertThrows(InvalidGenomeException.class, () -> GenomeMessages.toDomain(message));
        assertTrue(e.getMessage().contains("mlp_ratios has 2 entries but depth is 3"), e.getMessage());
    }

    @Test
    void toDomain_emptyMessage_throwsOnDepth() {
        var e = assertThrows(
                InvalidGenomeException.class, () -> GenomeMessages.toDomain(GenomeMessage.getDefaultInstance()));
        assertTrue(e.getMessage().startsWith("depth must be in"), e.getMessage());
    }

    @Test
    void toDomain_uint32AboveIntMax_throwsWithUnsignedValue() {
        var message = reference().setEmbedDim(-2).build(); // 4294967294 on the wire

        var e = assertThrows(InvalidGenomeException.class, () -> GenomeMessages.toDomain(message));
        assertTrue(e.getMessage().contains("embed_dim is too large: 4294967294"), e.getMessage());
    }

    @Test
    void toDomain_hugeHeadCount_namesTheIndex() {
        var message = reference().setNumHeads(1, -1).build();

        var e = assertThrows(InvalidGenomeException.class, () -> GenomeMessages.toDomain(message));
        assertTrue(e.getMessage().contains("num_heads[1] is too large"), e.getMessage());
    }

    @Test
    void toDomain_nanRatio_throwsNamingIndex() {
        var message = reference().setMlpRatios(0, Double.NaN).build();

        var e = assertThrows(InvalidGenomeException.class, () -> GenomeMessages.toDomain(message));
        assertTrue(e.getMessage().contains("mlp_ratios[0]"), e.getMessage());
    }
}
