package dev.autost.domain.space;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.autost.domain.genome.Genome;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;

class SearchSpaceSamplingTest {
    private static final SearchSpace WITH_T = SearchSpaces.parse("""
            embed_dims: [64, 128]
            depth: {min: 1, max: 4}
            mlp_ratios: [2, 3.5]
            num_heads: [2, 4]
            time_steps: [2, 4, 8]
            """);

    @Property(tries = 300)
    void sample_everyBuiltInSpace_staysInsideIt(@ForAll @LongRange(min = 0, max = 1L << 40) long seed) {
        for (String name : SearchSpaces.BUILT_IN) {
            SearchSpace s = SearchSpaces.builtIn(name);
            Genome g = s.sample(new SplittableRandom(seed));
            s.requireContains(g);
            assertTrue(g.timeSteps() == 0, "T is not a gene of the shipped spaces");
        }
    }

    @Property(tries = 100)
    void sample_searchedTimeSteps_setsAGeneFromTheChoices(@ForAll @LongRange(min = 0, max = 1L << 40) long seed) {
        Genome g = WITH_T.sample(new SplittableRandom(seed));
        WITH_T.requireContains(g);
        assertTrue(WITH_T.timeSteps().contains(g.timeSteps()));
    }
}
