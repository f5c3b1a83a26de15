package dev.autost.api;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A token bucket per client address: {@code burst} requests at once, then {@code perSecond}
 * sustained. The buckets of at most {@link #MAX_CLIENTS} addresses are kept, the least recently
 * seen dropped first (a dropped client starts again with a full bucket, which errs toward
 * serving). Thread-safe. Hand-written rather than a library's: a limiter per key with eviction
 * is twenty lines, and the libraries at hand (resilience4j) limit one shared resource.
 */
final class ClientRateLimit {
    /** Addresses whose buckets are kept: bounded, so a scan from many addresses cannot grow it. */
    static final int MAX_CLIENTS = 10_000;

    private final double perSecond;
    private final int burst;
    private final Map<String, double[]> buckets = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, double[]> eldest) {
            return size() > MAX_CLIENTS;
        }
    };

    ClientRateLimit(double perSecond, int burst) {
        if (!(perSecond > 0) || burst < 1) {
            throw new IllegalArgumentException("rate must be positive and burst at least 1");
        }
        this.perSecond = perSecond;
        this.burst = burst;
    }

    /**
     * Takes one request of {@code client} at {@code nowNanos}.
     *
     * @return 0 when allowed, else the whole seconds to wait before the next one is (at least 1)
     */
    synchronized long take(String client, long nowNanos) {
        double[] b = buckets.computeIfAbsent(client, c -> new double[] {burst, nowNanos});
        double tokens = Math.min(burst, b[0] + (nowNanos - b[1]) / 1e9 * perSecond);
        b[1] = nowNanos;
        if (tokens >= 1) {
            b[0] = tokens - 1;
            return 0;
        }
        b[0] = tokens;
        return Math.max(1, (long) Math.ceil((1 - tokens) / perSecond));
    }

    synchronized int clients() {
        return buckets.size();
    }
}
