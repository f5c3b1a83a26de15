package dev.autost.domain.fidelity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.autost.domain.fidelity.SuccessiveHalving.Request;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ModelBasedTrainingTest {
    /** 20 candidates on a line, the proxy's order 0..19; accuracy peaks at x = 15. */
    private static Map<String, double[]> pool() {
        Map<String, double[]> pool = new LinkedHashMap<>();
        for (int i = 0; i < 20; i++) {
            pool.put("c" + i, new double[] {(i - 10) / 5.0});
        }
        return pool;
    }

    private static double accuracy(String hash) {
        int i = Integer.parseInt(hash.substring(1));
        return 0.9 - 0.002 * (i - 15) * (i - 15);
    }

    private static List<String> run(ModelBasedTraining t, int budgetTrainings) {
        List<String> order = new ArrayList<>();
        List<Request> next = t.start();
        while (!next.isEmpty()) {
            assertEquals(1, next.size(), "one training at a time");
            Request r = next.get(0);
            assertEquals(3, r.epochs());
            order.add(r.genomeHash());
            next = t.onResult(r.genomeHash(), List.of(0.1, 0.2, accuracy(r.genomeHash())), false);
        }
        assertTrue(t.isDone());
        assertTrue(order.size() <= budgetTrainings);
        return order;
    }

    @Test
    void onResult_warmStartsByTheProxyThenClimbsToTheModelsBest_withinTheBudget() {
        ModelBasedTraining t = new ModelBasedTraining(pool(), 3, 8 * 3);
        List<String> order = run(t, 8);
        assertEquals(8, order.size());
        assertEquals(List.of("c0", "c1"), order.subList(0, 2), "the proxy's two best first");
        double best = order.stream()
                .mapToDouble(ModelBasedTrainingTest::accuracy)
                .max()
                .orElseThrow();
        assertTrue(best >= accuracy("c13"), "the model finds the peak region: " + order);
        assertEquals(24, t.epochsRequested());
        assertEquals(8, t.withResult());
        assertEquals(8, t.expectedTrainings());
    }

    @Test
    void replay_ofTheRequestsAndResults_makesTheSameNextChoice() {
        ModelBasedTraining live = new ModelBasedTraining(pool(), 3, 10 * 3);
        List<String> order = run(live, 10);
        // A sampler restarted after five results: replaying them gives the same sixth choice.
        ModelBasedTraining restarted = new ModelBasedTraining(pool(), 3, 10 * 3);
        for (String h : order.subList(0, 5)) {
            restarted.requested(h, 3);
            restarted.record(h, List.of(accuracy(h)), false);
        }
        assertEquals(List.of(new Request(order.get(5), 3)), restarted.start());
        assertEquals(List.of(), restarted.start(), "nothing twice while it trains");
        assertFalse(restarted.isDone());
    }

    @Test
    void budget_smallerThanOneTraining_requestsNothingAndIsDone() {
        ModelBasedTraining t = new ModelBasedTraining(pool(), 3, 2);
        assertEquals(List.of(), t.start());
        assertTrue(t.isDone());
        assertEquals(0, t.expectedTrainings());
    }

    @Test
    void failedTraining_countsItsEpochsAndTheSearchGoesOn() {
        ModelBasedTraining t = new ModelBasedTraining(pool(), 3, 4 * 3);
        Request first = t.start().get(0);
        List<Request> next = t.onResult(first.genomeHash(), List.of(), true);
        assertEquals(1, next.size());
        assertEquals("c1", next.get(0).genomeHash());
        assertEquals(6, t.epochsRequested());
    }
}
