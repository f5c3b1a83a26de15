package dev.autost.observability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

class AutostMetersTest {
    @Test
    void trainerFromZero_listsItsMetersBeforeAnyTraining() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        new AutostMeters(registry).trainerFromZero("cpu");
        for (String status : new String[] {"ok", "failed"}) {
            assertEquals(
                    0.0,
                    registry.get(AutostMeters.TRAINER_RESULTS)
                            .tag("status", status)
                            .counter()
                            .count(),
                    status);
        }
        assertEquals(
                0.0,
                registry.get(AutostMeters.TRAINER_IMAGES)
                        .tag("device", "cpu")
                        .counter()
                        .count());
        assertEquals(
                0,
                registry.get(AutostMeters.TRAINER_EPOCH)
                        .tag("device", "cpu")
                        .timer()
                        .count());
    }

    @Test
    void deadLetterCounter_listsTheTopicsReadAtZero_andCountsBySourceTopic() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        var count = new AutostMeters(registry).deadLetterCounter("scorer", java.util.List.of("in-a", "in-b"));
        assertEquals(2, registry.find(AutostMeters.DEAD_LETTERS).counters().size());
        count.accept("in-b");
        count.accept("in-b");
        assertEquals(
                0.0,
                registry.get(AutostMeters.DEAD_LETTERS)
                        .tag("topic", "in-a")
                        .counter()
                        .count());
        assertEquals(
                2.0,
                registry.get(AutostMeters.DEAD_LETTERS)
                        .tags("service", "scorer", "topic", "in-b")
                        .counter()
                        .count());
    }

    @Test
    void perExperimentGauges_keepOnlyTheMostRecentlyUpdatedExperiments() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        AutostMeters meters = new AutostMeters(registry);
        int experiments = AutostMeters.EXPERIMENT_SERIES + 30;
        for (int i = 0; i < experiments; i++) {
            meters.searchGeneration("e" + i, i);
            meters.searchBestScore("e" + i, i);
            meters.searchGeneration("e0", 7); // the first experiment keeps running
        }
        assertEquals(
                AutostMeters.EXPERIMENT_SERIES,
                registry.find(AutostMeters.SEARCH_GENERATION).gauges().size());
        assertEquals(
                AutostMeters.EXPERIMENT_SERIES,
                registry.find(AutostMeters.SEARCH_BEST_SCORE).gauges().size());
        assertEquals(
                7.0,
                registry.get(AutostMeters.SEARCH_GENERATION)
                        .tag("experiment", "e0")
                        .gauge()
                        .value());
        assertEquals(
                experiments - 1.0,
                registry.get(AutostMeters.SEARCH_GENERATION)
                        .tag("experiment", "e" + (experiments - 1))
                        .gauge()
                        .value());
        assertNull(
                registry.find(AutostMeters.SEARCH_GENERATION)
                        .tag("experiment", "e1")
                        .gauge(),
                "evicted");
    }
}
