package dev.autost.models.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.autost.domain.cost.CostModel;
import dev.autost.domain.genome.Genome;
import dev.autost.domain.model.Backbone;
import dev.autost.domain.model.ModelSetting;
import java.util.List;
import org.junit.jupiter.api.Test;

class MemoryEstimateTest {
    private static final ModelSetting FASHION = new ModelSetting(Backbone.AUTOST, 28, 1, 4, 10, 4, 32);
    private static final Genome SMALL = Genome.uniform(1, 4, 4, 64);
    private static final Genome LARGE = new Genome(4, List.of(2.0, 2.0, 2.0, 2.0), List.of(4, 8, 2, 8), 64, 0);

    @Test
    void of_largerGenomeOrBatch_needsMore() {
        MemoryEstimate small = MemoryEstimate.of(SMALL, FASHION, Recipe.SHORT);
        MemoryEstimate large = MemoryEstimate.of(LARGE, FASHION, Recipe.SHORT);
        MemoryEstimate largeBatch = MemoryEstimate.of(
                SMALL, FASHION, Recipe.SHORT.toBuilder().optBatchSize(256).build());
        assertTrue(large.trainingBytes() > small.trainingBytes());
        assertTrue(largeBatch.trainingBytes() > 3.9 * small.trainingBytes());
        assertEquals(small.evaluationBytes(), largeBatch.evaluationBytes(), "the evaluation batch did not change");
    }

    @Test
    void of_parameters_countWeightsGradientsAndBothAdamMoments() {
        long params = new CostModel(FASHION).params(LARGE);
        assertEquals(
                params * 16, MemoryEstimate.of(LARGE, FASHION, Recipe.SHORT).parameterBytes());
    }

    @Test
    void peak_isBasePlusTheLargerPhase() {
        MemoryEstimate e = MemoryEstimate.of(LARGE, FASHION, Recipe.SHORT);
        assertEquals(
                e.baseBytes() + e.parameterBytes() + Math.max(e.trainingBytes(), e.evaluationBytes()), e.peakBytes());
        assertTrue(e.toString().startsWith(String.format(java.util.Locale.ROOT, "%.2f GB", e.peakBytes() / 1e9)));
    }
}
