package dev.autost.models.train;

import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * Turns a run's per-step callbacks into progress a person can read: the running loss of the
 * epoch, images/s since the run (or its resume) started, and the time left, at most once per
 * interval. Feed it from {@link EpochListener#onStep}; not thread-safe.
 */
public final class ProgressMeter {
    private final int epochs;
    private final int batchSize;
    private final long intervalNanos;
    private final LongSupplier clock;
    private long start = -1;
    private long startStep;
    private long lastReport;
    private int epoch = -1;
    private double lossSum;
    private long lossCount;

    /** Reports at most every {@code interval} on the system clock. */
    public ProgressMeter(int epochs, int batchSize, Duration interval) {
        this(epochs, batchSize, interval, System::nanoTime);
    }

    ProgressMeter(int epochs, int batchSize, Duration interval, LongSupplier nanoClock) {
        this.epochs = epochs;
        this.batchSize = batchSize;
        this.intervalNanos = interval.toNanos();
        this.clock = nanoClock;
    }

    /** Where a run stands inside an epoch. */
    public record Snapshot(
            int epoch, int epochs, long step, long steps, double loss, double imagesPerSecond, double secondsLeft) {
        /** {@code epoch 2/3, step 120/937 (13 %), loss 1.2345, 71.3 images/s, 4m 05s left} */
        public String line() {
            return String.format(
                    Locale.ROOT,
                    "epoch %d/%d, step %d/%d (%d %%), loss %.4f, %.1f images/s, %s left",
                    epoch,
                    epochs,
                    step,
                    steps,
                    steps == 0 ? 0 : step * 100 / steps,
                    loss,
                    imagesPerSecond,
                    duration(secondsLeft));
        }

        static String duration(double seconds) {
            if (!Double.isFinite(seconds)) {
                return "?";
            }
            long s = Math.round(seconds);
            return s >= 3600
                    ? String.format(Locale.ROOT, "%dh %02dm", s / 3600, s / 60 % 60)
                    : String.format(Locale.ROOT, "%dm %02ds", s / 60, s % 60);
        }
    }

    /**
     * Records one step ({@code epoch} 0-based, {@code step} 1-based, as {@link EpochListener} gives
     * them); returns a snapshot when the interval has passed since the last one.
     */
    public Optional<Snapshot> onStep(int epoch, long step, long stepsPerEpoch, double loss) {
        long now = clock.getAsLong();
        long global = (long) epoch * stepsPerEpoch + step;
        if (start < 0) {
            start = now;
            startStep = global; // the first step's duration is unknown: speed counts from its end
            lastReport = now;
        }
        if (epoch != this.epoch) {
            this.epoch = epoch;
            lossSum = 0;
            lossCount = 0;
        }
        lossSum += loss;
        lossCount++;
        if (now - lastReport < intervalNanos) {
            return Optional.empty();
        }
        lastReport = now;
        return Optional.of(snapshot(now, epoch, step, stepsPerEpoch, global));
    }

    private Snapshot snapshot(long now, int epoch, long step, long stepsPerEpoch, long global) {
        double seconds = (now - start) / 1e9;
        long done = global - startStep;
        double stepsPerSecond = seconds > 0 ? done / seconds : Double.NaN;
        long left = (long) epochs * stepsPerEpoch - global;
        return new Snapshot(
                epoch + 1,
                epochs,
                step,
                stepsPerEpoch,
                lossSum / lossCount,
                stepsPerSecond * batchSize,
                left / stepsPerSecond);
    }
}
