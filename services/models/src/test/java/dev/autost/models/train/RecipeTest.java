package dev.autost.models.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RecipeTest {
    @Test
    void named_cifar_isTheAuthorsSettings_andShortIsTheShortRecipe() {
        Recipe c = Recipe.named("cifar");
        assertEquals(128, c.batchSize());
        assertEquals(5e-4f, c.learningRate());
        assertEquals(0.06f, c.weightDecay());
        assertEquals(20.0, c.warmupEpochs());
        assertEquals(0.5f, c.mixupAlpha());
        assertEquals(200, c.mixupOffEpoch());
        assertEquals(0.1f, c.labelSmoothing());
        assertSame(Recipe.SHORT, Recipe.named("short"));
    }

    @Test
    void toBuilder_changesOnlyWhatIsSet_andValidates() {
        Recipe r = Recipe.SHORT.toBuilder().optEpochs(3).optSeed(7).build();
        assertEquals(3, r.epochs());
        assertEquals(7, r.seed());
        assertEquals(Recipe.SHORT.learningRate(), r.learningRate());
        assertEquals(
                Recipe.SHORT,
                r.toBuilder()
                        .optEpochs(Recipe.SHORT.epochs())
                        .optSeed(Recipe.SHORT.seed())
                        .build());
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> Recipe.SHORT.toBuilder().optBatchSize(0).build());
        assertTrue(e.getMessage().contains("batch_size"), e.getMessage());
    }

    @Test
    void named_unknownName_saysWhichExist() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Recipe.named("fast"));
        assertTrue(e.getMessage().contains("short or cifar"), e.getMessage());
    }
}
