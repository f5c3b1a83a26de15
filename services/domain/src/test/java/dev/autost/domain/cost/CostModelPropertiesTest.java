package dev.autost.domain.cost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.autost.domain.genome.Genome;
import dev.autost.domain.space.SearchSpace;
import dev.autost.domain.space.SearchSpaces;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

class CostModelPropertiesTest {
    private static final SearchSpace BASE = SearchSpaces.builtIn("base");
    private static final CostModel MODEL = new CostModel(BASE.modelSetting());

    @Property(tries = 300)
    void estimate_closedForm_equalsWalkOnRandomGenomes(@ForAll @LongRange(min = 0, max = 1L << 40) long seed) {
        Genome g = BASE.sample(new SplittableRandom(seed));
        CostEstimate fast = MODEL.estimate(g);
        CostEstimate walk = MODEL.explain(g).total();
        assertEquals(walk.params(), fast.params());
        assertEquals(walk.syopsWhole(), fast.syopsWhole());
        assertEquals(walk.syopsBiasPerCall(), fast.syopsBiasPerCall());
        assertEquals(walk.flopsFull(), fast.flopsFull());
        assertEquals(walk.energyPj(), fast.energyPj(), 1e-9 * walk.energyPj());
        assertEquals(walk.energyFullPj(), fast.energyFullPj(), 1e-9 * walk.energyFullPj());
        assertEquals(fast.params(), MODEL.params(g));
    }

    @Property(tries = 200)
    void paramsAndFlops_growWithEmbedDim(
            @ForAll @LongRange(min = 0, max = 1L << 40) long seed, @ForAll @IntRange(min = 0, max = 5) int step) {
        Genome g = BASE.sample(new SplittableRandom(seed));
        int d = BASE.embedDims().get(step);
        int wider = BASE.embedDims().get(step + 1);
        Genome a = new Genome(g.depth(), g.mlpRatios(), g.numHeads(), d, 0);
        Genome b = new Genome(g.depth(), g.mlpRatios(), g.numHeads(), wider, 0);
        CostEstimate ca = MODEL.estimate(a);
        CostEstimate cb = MODEL.estimate(b);
        assertTrue(cb.params() > ca.params());
        assertTrue(cb.flopsSyops() > ca.flopsSyops());
        assertTrue(cb.flopsFull() > ca.flopsFull());
        assertTrue(cb.energyPj() > ca.energyPj());
    }

    @Property(tries = 200)
    void fullCount_isAtLeastOfficialCount(@ForAll @LongRange(min = 0, max = 1L << 40) long seed) {
        CostEstimate c = MODEL.estimate(BASE.sample(new SplittableRandom(seed)));
        assertTrue(c.flopsFull() > c.flopsSyops());
        assertTrue(c.energyFullPj() > c.energyPj());
    }
}
