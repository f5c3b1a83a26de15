package dev.autost.domain.fidelity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.autost.domain.fidelity.SuccessiveHalving.Request;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SuccessiveHalvingTest {
    private static final RungSchedule ASHA = RungSchedule.parse("1,3,9", 3);

    private static List<String> entrants(int n) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add("h" + i);
        }
        return out;
    }

    /** A deterministic learning curve per candidate: accuracy after each of {@code epochs}. */
    private static List<Double> curve(String hash, int epochs) {
        Random rng = new Random(hash.hashCode());
        double ceiling = 0.5 + 0.4 * rng.nextDouble();
        List<Double> out = new ArrayList<>();
        for (int e = 1; e <= epochs; e++) {
            out.add(ceiling * (1 - Math.pow(0.5, e)) + 0.01 * rng.nextDouble());
        }
        return out;
    }

    @Test
    void start_everyEntrantTrainsTheFirstRung() {
        SuccessiveHalving sh = new SuccessiveHalving(ASHA, entrants(4));
        assertEquals(
                List.of(new Request("h0", 1), new Request("h1", 1), new Request("h2", 1), new Request("h3", 1)),
                sh.start());
        assertEquals(List.of(), sh.start(), "asked once");
        assertEquals(4, sh.epochsRequested());
        assertFalse(sh.isDone());
    }

    /** Ranked by TSE, the rung promotes the lowest training-loss sum, not the best early accuracy. */
    @Test
    void onResult_rankedByTse_promotesTheLowestLossSum() {
        SuccessiveHalving sh = new SuccessiveHalving(ASHA.rankedBy(RungMetric.TSE), entrants(3));
        sh.start();
        assertEquals(List.of(), sh.onResult("h0", List.of(0.80), List.of(1.9), false), "best accuracy, high loss");
        assertEquals(List.of(), sh.onResult("h1", List.of(0.60), List.of(1.2), false), "lowest loss");
        assertEquals(List.of(new Request("h1", 3)), sh.onResult("h2", List.of(0.70), List.of(1.5), false));
        SuccessiveHalving byAccuracy = new SuccessiveHalving(ASHA, entrants(3));
        byAccuracy.start();
        byAccuracy.onResult("h0", List.of(0.80), List.of(1.9), false);
        byAccuracy.onResult("h1", List.of(0.60), List.of(1.2), false);
        assertEquals(List.of(new Request("h0", 3)), byAccuracy.onResult("h2", List.of(0.70), List.of(1.5), false));
    }

    @Test
    void rungMetric_tse_sumsTheLossesToTheRungAndRanksAResultWithoutLossesLast() {
        assertEquals(-3.0, RungMetric.TSE.at(List.of(0.5, 0.6, 0.7), List.of(2.0, 1.0, 0.5), 2), 1e-12);
        assertEquals(Double.NEGATIVE_INFINITY, RungMetric.TSE.at(List.of(0.5), List.of(), 1));
        assertEquals(0.6, RungMetric.ACCURACY.at(List.of(0.5, 0.6), List.of(), 2), 1e-12);
        assertEquals(RungMetric.ACCURACY, RungMetric.parse(""));
        assertTrue(org.junit.jupiter.api.Assertions.assertThrows(
                        IllegalArgumentException.class, () -> RungMetric.parse("loss"))
                .getMessage()
                .contains("accuracy, tse"));
        assertEquals(
                "rungs [1, 3, 9] eta 3 by tse", ASHA.rankedBy(RungMetric.TSE).toString());
    }

    @Test
    void onResult_everyEtaFinished_promotesTheBestNotYetPromoted() {
        SuccessiveHalving sh = new SuccessiveHalving(ASHA, entrants(6));
        sh.start();
        assertEquals(List.of(), sh.onResult("h0", List.of(0.50), false));
        assertEquals(List.of(), sh.onResult("h1", List.of(0.70), false));
        assertEquals(List.of(new Request("h1", 3)), sh.onResult("h2", List.of(0.60), false), "1 of 3 finished");
        assertEquals(List.of(), sh.onResult("h3", List.of(0.90), false), "still 1 of 4 allowed");
        assertEquals(List.of(), sh.onResult("h4", List.of(0.10), false));
        assertEquals(List.of(new Request("h3", 3)), sh.onResult("h5", List.of(0.65), false), "best waiting of 6");
        assertEquals(6 + 2 + 2, sh.epochsRequested());
    }

    @Test
    void onResult_tiedAccuracies_promoteTheSearchsBetterCandidate() {
        SuccessiveHalving sh = new SuccessiveHalving(ASHA, entrants(3));
        sh.start();
        sh.onResult("h2", List.of(0.5), false);
        sh.onResult("h1", List.of(0.5), false);
        assertEquals(List.of(new Request("h1", 3)), sh.onResult("h0", List.of(0.4), false));
    }

    @Test
    void onResult_failedCandidates_countAsFinishedButNeverGoOn() {
        SuccessiveHalving sh = new SuccessiveHalving(ASHA, entrants(3));
        sh.start();
        sh.onResult("h0", List.of(), true);
        sh.onResult("h1", List.of(), true);
        assertEquals(List.of(new Request("h2", 3)), sh.onResult("h2", List.of(0.2), false));
        assertEquals(List.of(), sh.onResult("h2", List.of(0.2, 0.3, 0.4), false), "one finished rung 2: 1/3 = 0");
        assertTrue(sh.isDone());
        assertEquals(1 + 1 + 3, sh.epochsRequested());
    }

    @Test
    void onResult_earlierRungDeliveredAgain_changesNothing() {
        SuccessiveHalving sh = new SuccessiveHalving(ASHA, entrants(3));
        sh.start();
        sh.onResult("h0", List.of(0.9), false);
        sh.onResult("h1", List.of(0.1), false);
        sh.onResult("h2", List.of(0.2), false);
        sh.onResult("h0", List.of(0.9, 0.91, 0.92), false);
        assertEquals(List.of(), sh.onResult("h0", List.of(0.9), false));
        assertEquals(3, sh.requestedEpochs("h0"));
        assertTrue(sh.isDone());
        assertEquals(List.of(3, 1, 0), sh.finishedPerRung());
    }

    /** One trainer taking requests in order; every published request is in {@code published}. */
    private static final class Cluster {
        final Deque<Request> queue = new ArrayDeque<>();
        final List<Request> published = new ArrayList<>();
        final Map<String, Integer> lastRequest = new HashMap<>();
        final Map<String, List<Double>> lastResult = new HashMap<>();

        void publish(List<Request> requests) {
            for (Request r : requests) {
                queue.add(r);
                published.add(r);
                lastRequest.put(r.genomeHash(), r.epochs());
            }
        }

        /** Trains the next request; returns its hash. */
        String trainNext() {
            Request r = queue.poll();
            lastResult.put(r.genomeHash(), curve(r.genomeHash(), r.epochs()));
            return r.genomeHash();
        }
    }

    private static Cluster runToEnd(int n, int restartAfter, boolean loseLastPromotion) {
        Cluster c = new Cluster();
        SuccessiveHalving sh = new SuccessiveHalving(ASHA, entrants(n));
        c.publish(sh.start());
        int results = 0;
        while (!c.queue.isEmpty()) {
            String hash = c.trainNext();
            List<Request> promoted = sh.onResult(hash, c.lastResult.get(hash), false);
            results++;
            if (results == restartAfter) {
                if (!loseLastPromotion) {
                    c.publish(promoted);
                }
                // A restart: state rebuilt from the compacted topics only (last request and last
                // result per candidate, in an arbitrary order).
                sh = new SuccessiveHalving(ASHA, entrants(n));
                List<String> hashes = new ArrayList<>(c.lastRequest.keySet());
                Collections.shuffle(hashes, new Random(restartAfter));
                for (String h : hashes) {
                    sh.requested(h, c.lastRequest.get(h));
                }
                for (String h : hashes) {
                    if (c.lastResult.containsKey(h)) {
                        sh.record(h, c.lastResult.get(h), false);
                    }
                }
                List<Request> missing = new ArrayList<>(sh.start());
                missing.addAll(sh.promote());
                c.publish(missing);
                continue;
            }
            c.publish(promoted);
        }
        assertTrue(sh.isDone());
        return c;
    }

    @Test
    void run_nineEntrants_staysWithinTheWorstCaseAndTrainsOneToTheTop() {
        Cluster c = runToEnd(9, -1, false);
        long epochs =
                c.lastRequest.values().stream().mapToLong(Integer::longValue).sum();
        assertEquals(ASHA.worstCaseEpochs(9), epochs, "every quota filled");
        assertEquals(1, c.lastRequest.values().stream().filter(e -> e == 9).count());
        assertEquals(3, c.lastRequest.values().stream().filter(e -> e >= 3).count());
    }

    @Test
    void restartMidRung_fromTheCompactedTopics_publishesWhatAnUninterruptedRunDoes() {
        List<Request> uninterrupted = runToEnd(27, -1, false).published;
        for (int cut = 1; cut < 27 + 9 + 3; cut++) {
            assertEquals(uninterrupted, runToEnd(27, cut, false).published, "restart after result " + cut);
            // Killed after reading a result but before publishing its promotion: the restart
            // publishes it (possibly in another order), nothing twice.
            List<Request> lost = runToEnd(27, cut, true).published;
            assertEquals(Set.copyOf(uninterrupted), Set.copyOf(lost), "lost promotion after result " + cut);
            assertEquals(uninterrupted.size(), lost.size(), "nothing published twice after result " + cut);
        }
    }

    @Test
    void epochsRequested_randomAccuracies_neverExceedTheBudget() {
        for (int n = 1; n <= 40; n++) {
            Cluster c = runToEnd(n, -1, false);
            long epochs = c.lastRequest.values().stream()
                    .mapToLong(Integer::longValue)
                    .sum();
            assertTrue(epochs <= ASHA.worstCaseEpochs(n), n + " entrants: " + epochs);
        }
    }
}
