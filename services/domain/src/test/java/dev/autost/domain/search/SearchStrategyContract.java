package dev.autost.domain.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.autost.domain.cost.CostEstimate;
import dev.autost.domain.cost.CostModel;
import dev.autost.domain.genome.Genome;
import dev.autost.domain.space.SearchSpace;
import dev.autost.domain.space.SearchSpaces;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** Behaviour every ask/tell strategy must show; each strategy's test extends it. */
abstract class SearchStrategyContract {
    static final SearchSpace SMALL = SearchSpaces.builtIn("small");
    static final CostModel MODEL = new CostModel(SMALL.modelSetting());
    static final Function<Genome, Outcome> FLOPS = OfflineSearch.flopsObjective(MODEL);

    /** A fresh strategy over {@code space} with a short schedule. */
    abstract SearchStrategy create(SearchSpace space, long seed);

    SearchStrategy create(long seed) {
        return create(SMALL, seed);
    }

    static EvolutionSettings shortSchedule(long seed) {
        return EvolutionSettings.builder()
                .population(20)
                .generations(5)
                .parents(5)
                .mutations(8)
                .crossovers(8)
                .seed(seed)
                .build();
    }

    @Test
    void ask_everyCandidate_isInSpaceAndInsideParameterWindow() {
        SearchStrategy s = create(7);
        List<Trial> all = OfflineSearch.run(s, FLOPS, null);
        assertFalse(all.isEmpty());
        for (Trial t : all) {
            Genome g = t.candidate().genome();
            SMALL.requireContains(g);
            assertTrue(SMALL.constraints().params().contains(MODEL.params(g)), g + " params " + MODEL.params(g));
        }
    }

    @Test
    void ask_neverHandsOutTheSameGenomeTwice() {
        List<Trial> all = OfflineSearch.run(create(11), FLOPS, null);
        Set<Genome> genomes = new HashSet<>();
        Set<String> hashes = new HashSet<>();
        for (Trial t : all) {
            assertTrue(
                    genomes.add(t.candidate().genome()),
                    "duplicate " + t.candidate().genome());
            assertTrue(hashes.add(t.candidate().genome().hash()));
        }
    }

    @Test
    void run_sameSeed_givesSameRanking() {
        assertEquals(ids(OfflineSearch.run(create(42), FLOPS, null)), ids(OfflineSearch.run(create(42), FLOPS, null)));
    }

    @Test
    void run_differentSeed_givesDifferentCandidates() {
        List<Genome> a = genomes(OfflineSearch.run(create(1), FLOPS, null));
        List<Genome> b = genomes(OfflineSearch.run(create(2), FLOPS, null));
        assertFalse(a.equals(b));
    }

    @Test
    void tell_inAnyOrder_givesSameOutcomeAsInAskOrder() {
        List<Genome> inOrder = genomes(OfflineSearch.run(create(5), FLOPS, null));
        SearchStrategy shuffled = create(5);
        Random shuffle = new Random(99);
        while (!shuffled.isFinished()) {
            List<Candidate> batch = new ArrayList<>(shuffled.ask());
            Collections.shuffle(batch, shuffle);
            for (Candidate c : batch) {
                shuffled.tell(c.id(), FLOPS.apply(c.genome()));
            }
        }
        assertEquals(inOrder, genomes(shuffled.ranking()));
    }

    @Test
    void ask_waitsForTheWholeGenerationBeforeBreeding() {
        SearchStrategy s = create(3);
        List<Candidate> first = s.ask();
        assertTrue(s.ask().isEmpty(), "nothing more until the generation is told");
        for (int i = 0; i < first.size() - 1; i++) {
            s.tell(first.get(i).id(), FLOPS.apply(first.get(i).genome()));
        }
        assertTrue(s.ask().isEmpty());
        assertEquals(0, s.generation());
        Candidate last = first.get(first.size() - 1);
        s.tell(last.id(), FLOPS.apply(last.genome()));
        assertEquals(1, s.generation());
        assertFalse(s.ask().isEmpty());
    }

    @Test
    void ask_withLimit_handsOutInSlices() {
        SearchStrategy s = create(3);
        List<Candidate> a = s.ask(3);
        List<Candidate> b = s.ask(3);
        assertEquals(3, a.size());
        assertEquals(3, b.size());
        assertEquals(a.get(2).id() + 1, b.get(0).id());
    }

    @Test
    void tell_unknownCandidate_throws() {
        SearchStrategy s = create(3);
        s.ask();
        CostEstimate c = MODEL.estimate(Genome.uniform(4, 4, 8, 384));
        assertThrows(UnknownCandidateException.class, () -> s.tell(123_456, new Outcome(1, c)));
    }

    @Test
    void tell_twiceWithSameScore_isIdempotent_andDifferentScoreThrows() {
        SearchStrategy s = create(3);
        Candidate c = s.ask().get(0);
        Outcome o = FLOPS.apply(c.genome());
        Trial first = s.tell(c.id(), o);
        assertSame(first, s.tell(c.id(), o));
        assertEquals(1, s.told());
        assertThrows(ConflictingOutcomeException.class, () -> s.tell(c.id(), new Outcome(o.score() + 1, o.cost())));
    }

    @Test
    void ranking_isBestFirst() {
        List<Trial> r = OfflineSearch.run(create(8), FLOPS, null);
        for (int i = 1; i < r.size(); i++) {
            assertTrue(r.get(i - 1).score() >= r.get(i).score());
        }
    }

    private static List<Long> ids(List<Trial> trials) {
        return trials.stream().map(t -> t.candidate().id()).toList();
    }

    private static List<Genome> genomes(List<Trial> trials) {
        return trials.stream().map(t -> t.candidate().genome()).toList();
    }
}
