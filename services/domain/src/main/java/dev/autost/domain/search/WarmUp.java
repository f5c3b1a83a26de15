package dev.autost.domain.search;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeSet;

/**
 * Zero-cost warm-up (Abdelfattah et al., ICLR 2021): of a pool scored by a training-free proxy,
 * train the proxy's best, and a few random others so that a misleading proxy cannot take the
 * whole budget. Stateless.
 */
public final class WarmUp {
    /** One pick in this many is random (at least one when two or more are trained). */
    public static final int RANDOM_ONE_IN = 4;

    private WarmUp() {}

    /**
     * Positions (0 = the proxy's best) of {@code n} picks from a pool of {@code poolSize}, ascending:
     * the best {@code n - r}, then {@code r = max(1, n / 4)} drawn uniformly from the rest with
     * {@code seed} ({@code r = 0} for a single pick).
     */
    public static List<Integer> positions(int poolSize, int n, long seed) {
        int k = Math.min(n, poolSize);
        int random = k < 2 ? 0 : Math.max(1, k / RANDOM_ONE_IN);
        TreeSet<Integer> picked = new TreeSet<>();
        for (int i = 0; i < k - random; i++) {
            picked.add(i);
        }
        List<Integer> rest = new ArrayList<>();
        for (int i = k - random; i < poolSize; i++) {
            rest.add(i);
        }
        // SplittableRandom mixes the seed: java.util.Random(42).nextInt(n) is 0 for small n, so the
        // default seed's "random" pick was always the next in the proxy's order.
        SplittableRandom rng = new SplittableRandom(seed);
        for (int i = 0; i < random; i++) {
            picked.add(rest.remove(rng.nextInt(rest.size())));
        }
        return new ArrayList<>(picked);
    }
}
