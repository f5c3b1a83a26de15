package dev.autost.domain.cost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.autost.domain.genome.Genome;
import dev.autost.domain.genome.InvalidGenomeException;
import dev.autost.domain.model.Backbone;
import dev.autost.domain.model.ModelSetting;
import java.math.BigDecimal;
import java.util.List;
import org.junit.jupiter.api.Test;

class CostModelTest {
    private static final ModelSetting CIFAR100 = ModelSetting.OFFICIAL;
    private static final ModelSetting CIFAR10 = ModelSetting.OFFICIAL.withClasses(10);

    @Test
    void estimate_autost384Depth4_matchesOfficialCounter() {
        CostEstimate c = new CostModel(CIFAR100).estimate(Genome.uniform(4, 4, 8, 384));
        assertEquals(9_359_411L, c.params());
        assertEquals(new BigDecimal("3703150515.125"), c.flopsSyopsExact());
        assertEquals(3_703_150_515.125, c.flopsSyops());
    }

    @Test
    void estimate_autost256Depth2TenClasses_matchesOfficialCounter() {
        CostEstimate c = new CostModel(CIFAR10).estimate(Genome.uniform(2, 4, 8, 256));
        assertEquals(2_568_507L, c.params());
        assertEquals(new BigDecimal("1244531344.3125"), c.flopsSyopsExact());
    }

    @Test
    void params_spikformerBackbone_matchesPublishedFigures() {
        CostModel spikformer = new CostModel(CIFAR10.withBackbone(Backbone.SPIKFORMER));
        // Spikformer-4-384, 4-256 and 2-384 on CIFAR-10: 9.32 M, 4.15 M and 5.76 M published.
        assertEquals(9_324_730L, spikformer.params(Genome.uniform(4, 4, 12, 384)));
        // The papers truncate to two decimals (4 155 178 is printed as 4.15 M).
        assertEquals(932, spikformer.params(Genome.uniform(4, 4, 12, 384)) / 10_000);
        assertEquals(415, spikformer.params(Genome.uniform(4, 4, 16, 256)) / 10_000);
        assertEquals(576, spikformer.params(Genome.uniform(2, 4, 12, 384)) / 10_000);
    }

    @Test
    void estimate_headsChangeNeitherParamsNorOfficialFlops() {
        CostModel m = new CostModel(CIFAR100);
        CostEstimate h4 = m.estimate(Genome.uniform(3, 4, 4, 320));
        CostEstimate h8 = m.estimate(Genome.uniform(3, 4, 8, 320));
        assertEquals(h4.params(), h8.params());
        assertEquals(h4.flopsSyops(), h8.flopsSyops());
        // The full count sees the attention scale, one multiply per head per N^2.
        assertEquals(3L * 4 * 4 * 64 * 64, h8.flopsFull() - h4.flopsFull());
    }

    @Test
    void estimate_fullCount_addsAttentionMatmulsAndResiduals() {
        CostModel m = new CostModel(CIFAR100);
        Genome g = Genome.uniform(1, 4, 8, 256);
        CostEstimate c = m.estimate(g);
        long t = 4;
        long n = 64;
        long d = 256;
        long hidden = 1024;
        long matmuls = 2 * t * n * n * d;
        long scale = t * 8 * n * n;
        long residuals = 2 * t * n * d + t * n * d; // two in the block, one for the position embedding
        long means = t * n * d + t * d;
        long biasPerElement = t * n * (3 * d + d + hidden + d) + 100;
        long biasPerCall = 3 * d + d + hidden + d + 100;
        assertEquals(c.syopsWhole() + matmuls + scale + residuals + means + biasPerElement, c.flopsFull());
        assertEquals(biasPerCall, c.syopsBiasPerCall());
    }

    @Test
    void estimate_mlpRatioTruncatesHiddenWidthLikePython() {
        CostModel m = new CostModel(CIFAR100);
        Genome g = new Genome(1, List.of(3.3), List.of(4), 200, 0);
        Genome same = new Genome(1, List.of(3.3), List.of(4), 200, 0);
        assertEquals(660, g.hiddenWidth(0));
        assertEquals(m.estimate(g), m.estimate(same));
    }

    @Test
    void estimate_fashionMnistGeometry_has49Tokens() {
        ModelSetting fmnist = new ModelSetting(Backbone.AUTOST, 28, 1, 4, 10, 4, 32);
        assertEquals(49, fmnist.tokens());
        CostEstimate c = new CostModel(fmnist).estimate(Genome.uniform(1, 4, 4, 64));
        assertTrue(c.params() > 0 && c.flopsSyops() > 0);
    }

    @Test
    void estimate_closedFormEqualsModuleWalk() {
        CostModel m = new CostModel(CIFAR100);
        Genome g = new Genome(3, List.of(3.0, 5.0, 4.0), List.of(4, 8, 4), 448, 0);
        CostEstimate fast = m.estimate(g);
        CostEstimate walk = m.explain(g).total();
        assertEquals(walk.params(), fast.params());
        assertEquals(walk.syopsWhole(), fast.syopsWhole());
        assertEquals(walk.flopsFull(), fast.flopsFull());
        assertEquals(walk.energyPj(), fast.energyPj(), 1e-6 * walk.energyPj());
    }

    @Test
    void explain_rowsSumToTotals() {
        CostBreakdown b = new CostModel(CIFAR100).explain(Genome.uniform(2, 4, 8, 256));
        assertEquals(
                b.total().params(),
                b.modules().stream().mapToLong(LayerCost::params).sum());
        assertEquals(
                b.total().flopsFull(),
                b.modules().stream().mapToLong(LayerCost::full).sum());
        assertEquals(
                b.total().flopsSyops(),
                b.modules().stream().mapToDouble(LayerCost::syops).sum(),
                1e-3);
    }

    @Test
    void energy_atFullFiringEqualsNeuronAndInputOpsSplit() {
        CostModel allOnes = new CostModel(CIFAR100, FiringRates.uniform(1.0), EnergyModel.CMOS_45NM);
        CostEstimate c = allOnes.estimate(Genome.uniform(2, 4, 8, 256));
        // At rate 1 every counted op is either an AC or a MAC.
        assertEquals(c.flopsSyops(), c.acOps() + c.macOps(), 1e-3);
        assertEquals(0.9 * c.acOps() + 4.6 * c.macOps(), c.energyPj(), 1e-3);
    }

    @Test
    void energy_perLayerRates_changeOnlyTheLayersTheyFeed() {
        Genome g = Genome.uniform(2, 4, 8, 256);
        CostModel base = new CostModel(CIFAR100, FiringRates.uniform(0.1), EnergyModel.CMOS_45NM);
        CostModel hot = base.withRates(FiringRates.perLayer(java.util.Map.of("blocks.1.mlp.lif1", 0.6), 0.1));
        CostEstimate a = base.estimate(g);
        CostEstimate b = hot.estimate(g);
        long fc1Ops = 4L * 64 * 256 * 1024 + 0; // T * N * D * hidden
        double expected = 0.9 * (0.6 - 0.1) * (fc1Ops + 1024 / 32.0);
        assertEquals(expected, b.energyPj() - a.energyPj(), 1e-3);
        assertEquals(a.flopsSyops(), b.flopsSyops());
    }

    @Test
    void check_embedDimNotDivisibleByHeads_namesTheGene() {
        CostModel m = new CostModel(CIFAR100);
        InvalidGenomeException e = assertThrows(
                InvalidGenomeException.class,
                () -> m.estimate(new Genome(2, List.of(4.0, 4.0), List.of(8, 6), 256, 0)));
        assertTrue(e.getMessage().contains("num_heads[1]"), e.getMessage());
        InvalidGenomeException e8 =
                assertThrows(InvalidGenomeException.class, () -> m.estimate(Genome.uniform(1, 4, 4, 100)));
        assertTrue(e8.getMessage().contains("divisible by 8"), e8.getMessage());
    }

    @Test
    void estimate_absurdSizes_overflowIsRefused() {
        ModelSetting huge = new ModelSetting(Backbone.AUTOST, 4096, 3, 1, 10, 1024, 32);
        assertThrows(ArithmeticException.class, () -> new CostModel(huge).estimate(Genome.uniform(1000, 64, 8, 65536)));
    }
}
