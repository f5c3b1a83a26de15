package dev.autost.domain.benchmark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RandomSearchRegretTest {
    @Test
    void expectedBest_smallTable_equalsTheMeanOverEverySubset() {
        List<Double> acc = List.of(0.5, 0.7, 0.6, 0.9);
        RandomSearchRegret r = new RandomSearchRegret(acc);
        // k = 2: the 6 pairs' maxima are 0.7 0.6 0.9 0.7 0.9 0.9.
        assertEquals((0.7 + 0.6 + 0.9 + 0.7 + 0.9 + 0.9) / 6, r.expectedBest(2), 1e-12);
        assertEquals((0.5 + 0.7 + 0.6 + 0.9) / 4, r.expectedBest(1), 1e-12);
        assertEquals(0.9, r.expectedBest(4), 1e-12);
        assertEquals(0.0, r.expectedRegret(4), 1e-12);
        assertEquals(0.65, r.median(), 1e-12);
    }

    @Test
    void expectedBest_largerTable_agreesWithSimulation() {
        Random rnd = new Random(3);
        List<Double> acc = new ArrayList<>();
        for (int i = 0; i < 250; i++) {
            acc.add(0.6 + 0.2 * rnd.nextDouble());
        }
        RandomSearchRegret r = new RandomSearchRegret(acc);
        double sum = 0;
        int trials = 20_000;
        List<Double> shuffled = new ArrayList<>(acc);
        for (int t = 0; t < trials; t++) {
            Collections.shuffle(shuffled, rnd);
            sum += Collections.max(shuffled.subList(0, 6));
        }
        assertEquals(sum / trials, r.expectedBest(6), 5e-4);
    }
}
