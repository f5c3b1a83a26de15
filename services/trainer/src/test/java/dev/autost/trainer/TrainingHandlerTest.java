package dev.autost.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.autost.domain.genome.Genome;
import dev.autost.domain.model.Backbone;
import dev.autost.messaging.codec.TrainMessages;
import dev.autost.proto.v1.TrainRequest;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** What a train request must be before a trainer builds anything for it. */
class TrainingHandlerTest {
    private static final TrainRequest GOOD =
            TrainMessages.request("exp-1", Genome.uniform(1, 2, 2, 32), "fashion-mnist", 1, 1, 1, Backbone.AUTOST, 4);

    private static String refusal(UnaryOperator<TrainRequest.Builder> change) {
        return assertThrows(
                        IllegalArgumentException.class,
                        () -> TrainingHandler.check(
                                change.apply(GOOD.toBuilder()).build()))
                .getMessage();
    }

    @Test
    void check_wellFormedRequest_passes() {
        TrainingHandler.check(GOOD);
    }

    /** Decodable records with values that would train for ever or leave the checkpoint root. */
    @Test
    void check_absurdOrUnsafeValues_refusedNamingTheField() {
        assertEquals("epochs must be at most 10000, got 4294967295", refusal(b -> b.setEpochs(-1)));
        assertEquals("time_steps must be at most 64, got 100000", refusal(b -> b.setTimeSteps(100_000)));
        assertEquals("genome_hash must be lower-case hex, got '../x'", refusal(b -> b.setGenomeHash("../x")));
        for (String id : List.of("..", "a/b", "")) {
            refusal(b -> b.setExperimentId(id));
        }
        assertEquals("unknown schema_version 99", refusal(b -> b.setSchemaVersion(99)));
        assertEquals("schedule_epochs must be at most 10000, got 4294967295", refusal(b -> b.setScheduleEpochs(-1)));
        assertEquals(
                "schedule_epochs must be 0 or at least epochs (3), got 2",
                refusal(b -> b.setEpochs(3).setScheduleEpochs(2)));
    }
}
