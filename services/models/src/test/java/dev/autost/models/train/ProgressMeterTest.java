package dev.autost.models.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ProgressMeterTest {
    private long now;

    @Test
    void onStep_reportsOncePerInterval_withRunningLossSpeedAndTimeLeft() {
        // 2 epochs of 10 steps, batch 32, one step per second, a report every 5 s.
        ProgressMeter meter = new ProgressMeter(2, 32, Duration.ofSeconds(5), () -> now);
        int reports = 0;
        ProgressMeter.Snapshot last = null;
        for (int epoch = 0; epoch < 2; epoch++) {
            for (int step = 1; step <= 10; step++) {
                now += 1_000_000_000L;
                var s = meter.onStep(epoch, step, 10, step);
                if (s.isPresent()) {
                    reports++;
                    last = s.get();
                }
            }
        }
        assertEquals(3, reports, "20 s at one report per 5 s, the first step starts the clock");
        assertEquals(2, last.epoch());
        assertEquals(32.0, last.imagesPerSecond(), 1e-9);
        assertEquals(4.0, last.secondsLeft(), 1e-9, "the last report came at step 6 of epoch 2");
        ProgressMeter.Snapshot mid = new ProgressMeter.Snapshot(1, 3, 120, 937, 1.23456, 71.34, 245);
        assertEquals("epoch 1/3, step 120/937 (12 %), loss 1.2346, 71.3 images/s, 4m 05s left", mid.line());
    }

    @Test
    void onStep_lossIsTheMeanOfTheCurrentEpoch() {
        ProgressMeter meter = new ProgressMeter(2, 1, Duration.ZERO, () -> now);
        meter.onStep(0, 1, 2, 10);
        meter.onStep(0, 2, 2, 20);
        now += 1;
        var first = meter.onStep(1, 1, 2, 4).orElseThrow();
        assertEquals(4.0, first.loss(), 1e-12, "a new epoch starts a new mean");
        assertTrue(first.secondsLeft() >= 0);
    }
}
