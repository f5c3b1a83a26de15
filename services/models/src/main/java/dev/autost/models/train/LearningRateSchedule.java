package dev.autost.models.train;

/**
 * Linear warm-up from {@code warmupLr} to {@code peakLr} over {@code warmupSteps}, then
 * cosine decay to {@code minLr} at {@code totalSteps}. Counted per optimiser step (the
 * authors' timm scheduler steps per epoch; per step is smoother for short runs).
 */
public record LearningRateSchedule(float peakLr, float minLr, float warmupLr, long warmupSteps, long totalSteps) {
    public float at(long step) {
        if (step < warmupSteps) {
            return warmupLr + (peakLr - warmupLr) * step / (float) warmupSteps;
        }
        long span = Math.max(1, totalSteps - warmupSteps);
        double progress = Math.min(1.0, (step - warmupSteps) / (double) span);
        return (float) (minLr + 0.5 * (peakLr - minLr) * (1 + Math.cos(Math.PI * progress)));
    }
}
