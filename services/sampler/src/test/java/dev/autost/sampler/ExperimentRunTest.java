package dev.autost.sampler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.autost.domain.cost.CostEstimate;
import dev.autost.domain.cost.CostModel;
import dev.autost.domain.genome.Genome;
import dev.autost.domain.search.Candidate;
import dev.autost.domain.search.EvolutionSettings;
import dev.autost.domain.search.ObjectiveScorer.Measurement;
import dev.autost.domain.search.Strategy;
import dev.autost.domain.search.Trial;
import dev.autost.domain.space.SearchSpace;
import dev.autost.domain.space.SearchSpaces;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ExperimentRunTest {
    private static final SearchSpace SMALL = SearchSpaces.builtIn("small");
    private static final CostModel MODEL = new CostModel(SMALL.modelSetting());
    private static final EvolutionSettings SETTINGS = EvolutionSettings.defaults(42);

    @Test
    void release_keepsAtMostTheBoundOut_eachScoreFreesAPlace_andAScoredHeldOneIsNeverReleased() {
        ExperimentRun run = ExperimentRun.start("w", SMALL, Strategy.EVOLUTION, SETTINGS);
        List<Candidate> gen = run.ask();
        assertEquals(50, gen.size());
        run.hold(gen);
        List<Candidate> out = run.release(4);
        assertEquals(gen.subList(0, 4), out, "oldest first");
        assertTrue(run.release(4).isEmpty(), "four out: none more");

        run.onScore(gen.get(0).genome().hash(), MODEL.estimate(gen.get(0).genome()));
        assertEquals(List.of(gen.get(4)), run.release(4), "the score freed one place");

        // Held, yet scored: a copy published before a restart. It leaves the held ones unsent.
        run.onScore(gen.get(5).genome().hash(), MODEL.estimate(gen.get(5).genome()));
        run.onScore(gen.get(1).genome().hash(), MODEL.estimate(gen.get(1).genome()));
        assertEquals(List.of(gen.get(6)), run.release(4));
        assertEquals(50 - 6 - 1, run.unsent(), "six released, one scored while held");
        assertEquals(50 - 3, run.outstanding());
    }

    @Test
    void onScore_duplicatesAndShuffles_giveTheSameRankingAsInOrder() {
        List<String> expected = hashes(runToEnd(ExperimentRun.start("e1", SMALL, Strategy.EVOLUTION, SETTINGS), false));
        List<String> messy = hashes(runToEnd(ExperimentRun.start("e1", SMALL, Strategy.EVOLUTION, SETTINGS), true));
        assertEquals(expected, messy);
        assertEquals(1050, expected.size());
    }

    @Test
    void replay_afterCrashMidGeneration_resumesAndFinishesIdentically() {
        List<String> uninterrupted =
                hashes(runToEnd(ExperimentRun.start("e2", SMALL, Strategy.EVOLUTION, SETTINGS), false));

        // Score 7 generations and part of the 8th, remembering what was "published" as scores.
        ExperimentRun first = ExperimentRun.start("e2", SMALL, Strategy.EVOLUTION, SETTINGS);
        Map<String, Measurement> published = new HashMap<>();
        while (first.generation() < 7) {
            for (Candidate c : first.ask()) {
                CostEstimate cost = MODEL.estimate(c.genome());
                published.put(c.genome().hash(), Measurement.ofCost(cost));
                first.onScore(c.genome().hash(), cost);
            }
        }
        List<Candidate> eighth = first.ask();
        for (Candidate c : eighth.subList(0, 20)) {
            CostEstimate cost = MODEL.estimate(c.genome());
            published.put(c.genome().hash(), Measurement.ofCost(cost));
        }

        ExperimentRun.Replayed replayed = ExperimentRun.replay("e2", SMALL, Strategy.EVOLUTION, SETTINGS, published);
        assertEquals(7 * 50 + 20, replayed.replayedScores());
        assertEquals(eighth.subList(20, eighth.size()), replayed.pending());
        ExperimentRun resumed = replayed.run();
        for (Candidate c : replayed.pending()) {
            resumed.onScore(c.genome().hash(), MODEL.estimate(c.genome()));
        }
        assertEquals(uninterrupted, hashes(runToEnd(resumed, false)));
    }

    @Test
    void onScore_unknownHash_isIgnored() {
        ExperimentRun run = ExperimentRun.start("e3", SMALL, Strategy.RANDOM, SETTINGS);
        run.ask();
        assertTrue(run.onScore("0000000000000000", MODEL.estimate(Genome.uniform(4, 4, 8, 384)))
                .isEmpty());
    }

    private static List<Trial> runToEnd(ExperimentRun run, boolean messy) {
        Random rnd = new Random(3);
        while (!run.isFinished()) {
            List<Candidate> batch = new ArrayList<>(run.ask());
            if (messy) {
                Collections.shuffle(batch, rnd);
                batch.addAll(batch.subList(0, batch.size() / 3)); // redelivered
            }
            for (Candidate c : batch) {
                run.onScore(c.genome().hash(), MODEL.estimate(c.genome()));
            }
        }
        return run.ranking();
    }

    private static List<String> hashes(List<Trial> trials) {
        return trials.stream().map(t -> t.candidate().genome().hash()).toList();
    }
}
