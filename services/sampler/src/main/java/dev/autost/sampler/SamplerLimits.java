package dev.autost.sampler;

/**
 * How much the sampler has going at once: searches running (later experiments wait in arrival
 * order, phase queued), and candidates of each search out to the scorers (published, not scored
 * yet; the rest of a generation follows as scores come back).
 *
 * @param maxRunningExperiments searches run at once, at least 1
 * @param maxCandidatesInFlight candidates of one search published and not scored yet, at least 1
 * @param maxQueuedExperiments experiments waiting for a running slot, at least 1; one more is
 *     refused (a dead letter and a FAILED report naming the limit)
 */
public record SamplerLimits(int maxRunningExperiments, int maxCandidatesInFlight, int maxQueuedExperiments) {
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

    /** Experiments waiting by default; the API refuses beyond the same number. */
    public static final int DEFAULT_MAX_QUEUED =
            dev.autost.messaging.codec.ExperimentPlan.DEFAULT_MAX_QUEUED_EXPERIMENTS;

    public static final SamplerLimits DEFAULTS =
            new SamplerLimits(DEFAULT_MAX_RUNNING, DEFAULT_MAX_IN_FLIGHT, DEFAULT_MAX_QUEUED);

    /** These two bounds and the default queue length. */
    public SamplerLimits(int maxRunningExperiments, int maxCandidatesInFlight) {
        this(maxRunningExperiments, maxCandidatesInFlight, DEFAULT_MAX_QUEUED);
    }

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
        if (maxQueuedExperiments < 1) {
            throw new IllegalArgumentException(
                    "max queued experiments must be at least 1, got " + maxQueuedExperiments);
        }
    }

    public SamplerLimits withMaxRunningExperiments(int n) {
        return new SamplerLimits(n, maxCandidatesInFlight, maxQueuedExperiments);
    }

    public SamplerLimits withMaxCandidatesInFlight(int n) {
        return new SamplerLimits(maxRunningExperiments, n, maxQueuedExperiments);
    }

    public SamplerLimits withMaxQueuedExperiments(int n) {
        return new SamplerLimits(maxRunningExperiments, maxCandidatesInFlight, n);
    }
}
