package dev.autost.trainer;

import static org.junit.jupiter.api.Assertions.assertSame;

import dev.autost.models.train.Recipe;
import org.junit.jupiter.api.Test;

class TrainerConfigTest {
    @Test
    void of_defaults_trainWithTheShortRecipe() {
        assertSame(Recipe.SHORT, TrainerConfig.of("x").recipe());
    }
}
