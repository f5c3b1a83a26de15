package dev.autost.sampler;

/**
 * How much the sampler has going at once: searches running (later experiments wait in arrival
 * order, phase queued), and candidates of each search out to the scorers (published, not scored
 * yet; the rest of a generation follows as scores come back).
 *
 * @param maxRunningExperiments searches run at once, at least 1
 * @param maxCandidatesInFlight candidates of one search published and not scored yet, at least 1
 */
public record SamplerLimits(int maxRunningExperiments, int maxCandidatesInFlight) {
    /**
     * Searches run at once by default. The services' memory (every score of a running search is
     * held by the sampler, evaluator and API) follows this bound, not the number of experiments
     * submitted at once.
     */
    public static final int DEFAULT_MAX_RUNNING = 16;

    /**
     * Candidates of one search out at once by default: the scorers then interleave the running
     * searches, and a small one waits behind at most this many of a large one's candidates per
     * generation instead of its whole generation; large enough that one search alone still keeps
     * the scorers busy (docs/benchmarks.md, fair interleaving).
     */
    public static final int DEFAULT_MAX_IN_FLIGHT = 2_000;

    public static final SamplerLimits DEFAULTS = new SamplerLimits(DEFAULT_MAX_RUNNING, DEFAULT_MAX_IN_FLIGHT);

    /** @throws IllegalArgumentException when a bound is below 1 */
    public SamplerLimits {
        if (maxRunningExperiments < 1) {
            throw new IllegalArgumentException(
                    "max running experiments must be at least 1, got " + maxRunningExperiments);
        }
        if (maxCandidatesInFlight < 1) {
            throw new IllegalArgumentException(
                    "max candidates in flight must be at least 1, got " + maxCandidatesInFlight);
        }
    }

    public SamplerLimits withMaxRunningExperiments(int n) {
        return new SamplerLimits(n, maxCandidatesInFlight);
    }

    public SamplerLimits withMaxCandidatesInFlight(int n) {
        return new SamplerLimits(maxRunningExperiments, n);
    }
}
