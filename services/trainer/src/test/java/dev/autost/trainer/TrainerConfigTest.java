package dev.autost.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.autost.models.train.TrainConfig;
import org.junit.jupiter.api.Test;

class TrainerConfigTest {
    @Test
    void recipe_cifar_isTheAuthorsSettings_andShortIsTheDefault() {
        TrainConfig c = TrainerConfig.recipe("cifar");
        assertEquals(128, c.batchSize());
        assertEquals(5e-4f, c.learningRate());
        assertEquals(0.06f, c.weightDecay());
        assertEquals(20.0, c.warmupEpochs());
        assertEquals(0.5f, c.mixupAlpha());
        assertEquals(200, c.mixupOffEpoch());
        assertEquals(0.1f, c.labelSmoothing());
        assertSame(TrainerConfig.SHORT_RECIPE, TrainerConfig.recipe("short"));
        assertSame(TrainerConfig.SHORT_RECIPE, TrainerConfig.of("x").recipe());
    }

    @Test
    void recipe_unknownName_saysWhichExist() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TrainerConfig.recipe("fast"));
        assertTrue(e.getMessage().contains("short or cifar"), e.getMessage());
    }
}
