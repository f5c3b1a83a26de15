package dev.autost.cli.options;

import picocli.CommandLine.Option;

/**
 * {@code --max-running-experiments} and {@code --max-candidates-in-flight}: how much the
 * sampler has going at once.
 */
public final class SamplerLimitsOption {
    @Option(
            names = "--max-running-experiments",
            paramLabel = "N",
            description = {
                "Sampler: searches run at once; later experiments wait in arrival order (phase queued)",
                "(default: $AUTOST_MAX_RUNNING_EXPERIMENTS or ${DEFAULT-VALUE}). Memory follows it."
            },
            defaultValue = "${env:AUTOST_MAX_RUNNING_EXPERIMENTS:-"
                    + dev.autost.sampler.SamplerLimits.DEFAULT_MAX_RUNNING + "}")
    int maxRunning;

    @Option(
            names = "--max-candidates-in-flight",
            paramLabel = "N",
            description = {
                "Sampler: candidates of one search out to the scorers at once; the rest of a generation",
                "follows as scores come back, so running searches share the scorers",
                "(default: $AUTOST_MAX_CANDIDATES_IN_FLIGHT or ${DEFAULT-VALUE})."
            },
            defaultValue = "${env:AUTOST_MAX_CANDIDATES_IN_FLIGHT:-"
                    + dev.autost.sampler.SamplerLimits.DEFAULT_MAX_IN_FLIGHT + "}")
    int maxInFlight;

    @Option(
            names = "--max-queued-experiments",
            paramLabel = "N",
            description = {
                "Sampler and API: experiments waiting for a running slot; one more is refused naming the limit",
                "(default: $AUTOST_MAX_QUEUED_EXPERIMENTS or ${DEFAULT-VALUE})."
            },
            defaultValue =
                    "${env:AUTOST_MAX_QUEUED_EXPERIMENTS:-" + dev.autost.sampler.SamplerLimits.DEFAULT_MAX_QUEUED + "}")
    int maxQueued;

    /** @throws IllegalArgumentException naming the option below 1 */
    public dev.autost.sampler.SamplerLimits limits() {
        if (maxRunning < 1) {
            throw new IllegalArgumentException("--max-running-experiments must be at least 1, got " + maxRunning);
        }
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("--max-candidates-in-flight must be at least 1, got " + maxInFlight);
        }
        if (maxQueued < 1) {
            throw new IllegalArgumentException("--max-queued-experiments must be at least 1, got " + maxQueued);
        }
        return new dev.autost.sampler.SamplerLimits(maxRunning, maxInFlight, maxQueued);
    }
}
