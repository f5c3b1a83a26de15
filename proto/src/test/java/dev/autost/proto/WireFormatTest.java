package dev.autost.proto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.autost.proto.v1.GenomeMessage;
import dev.autost.proto.v1.RankedCandidate;
import dev.autost.proto.v1.Report;
import dev.autost.proto.v1.Score;
import dev.autost.proto.v1.TrainResult;
import org.junit.jupiter.api.Test;

class WireFormatTest {

    private static final GenomeMessage GENOME = GenomeMessage.newBuilder()
            .setDepth(2)
            .addMlpRatios(4.0)
            .addMlpRatios(3.5)
            .addNumHeads(8)
            .addNumHeads(4)
            .setEmbedDim(384)
            .build();

    @Test
    void parseFrom_serializedScore_roundTrips() throws InvalidProtocolBufferException {
        Score score = Score.newBuilder()
                .setSchemaVersion(SchemaVersions.CURRENT)
                .setExperimentId("exp-1")
                .setGenomeHash("abc")
                .setGenome(GENOME)
                .setSequence(42)
                .setParams(1_234_567)
                .setFlopsSyops(1.5e9)
                .putExtra("synflow", 0.25)
                .build();

        Score parsed = Score.parseFrom(score.toByteArray());

        assertEquals(score, parsed);
        assertEquals(0, parsed.getGenome().getTimeSteps(), "time_steps unset means space default");
    }

    @Test
    void getStatus_unset_isNotOk() {
        assertEquals(
                TrainResult.Status.STATUS_UNSPECIFIED,
                TrainResult.getDefaultInstance().getStatus());
    }

    @Test
    void hasTestAccuracy_untrainedCandidate_isAbsent() {
        RankedCandidate untrained =
                RankedCandidate.newBuilder().setGenomeHash("abc").build();
        RankedCandidate trained = untrained.toBuilder().setTestAccuracy(0.0).build();

        assertFalse(untrained.hasTestAccuracy());
        assertTrue(trained.hasTestAccuracy(), "an explicit 0.0 accuracy is still present");
        assertEquals(Report.Phase.PHASE_UNSPECIFIED, Report.getDefaultInstance().getPhase());
    }

    @Test
    void isKnown_futureOrUnsetVersion_isFalse() {
        assertTrue(SchemaVersions.isKnown(1));
        assertFalse(SchemaVersions.isKnown(0));
        assertFalse(SchemaVersions.isKnown(2));
    }
}
