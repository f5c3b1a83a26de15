package dev.autost.domain.fidelity;

import java.util.ArrayList;
import java.util.List;

/**
 * The rungs of successive halving: the epochs a candidate has trained for in all when it finishes
 * each rung (strictly increasing, e.g. 1, 3, 9), and eta, the fraction 1/eta of a rung's finished
 * candidates that go on to the next one. A promoted candidate continues its run from the
 * checkpoint, so reaching rung r costs {@code epochs(r)} epochs in all, not their sum.
 *
 * @param rungEpochs epochs at the end of each rung, at least one rung
 * @param eta        promotion ratio, at least 2
 * @param metric     what ranks a rung's candidates for promotion
 */
public record RungSchedule(List<Integer> rungEpochs, int eta, RungMetric metric) {
    /** Promotion ratio when a spec leaves it unset: ASHA's usual value. */
    public static final int DEFAULT_ETA = 3;

    /** Rungs ranked by test accuracy. */
    public RungSchedule(List<Integer> rungEpochs, int eta) {
        this(rungEpochs, eta, RungMetric.ACCURACY);
    }

    public RungSchedule {
        java.util.Objects.requireNonNull(metric, "metric");
        rungEpochs = List.copyOf(rungEpochs);
        if (rungEpochs.isEmpty()) {
            throw new IllegalArgumentException("rung_epochs needs at least one rung");
        }
        int previous = 0;
        for (int e : rungEpochs) {
            if (e <= previous) {
                throw new IllegalArgumentException(
                        "rung_epochs must be positive and strictly increasing, got " + rungEpochs);
            }
            previous = e;
        }
        if (eta < 2) {
            throw new IllegalArgumentException("eta must be at least 2, got " + eta);
        }
    }

    /** Parses {@code "1,3,9"}. */
    public static RungSchedule parse(String rungs, int eta) {
        List<Integer> epochs = new ArrayList<>();
        for (String part : rungs.split(",", -1)) {
            try {
                epochs.add(Integer.parseInt(part.strip()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(
                        "rung epochs must be whole numbers separated by commas, e.g. 1,3,9; got '" + rungs + "'");
            }
        }
        return new RungSchedule(epochs, eta);
    }

    /** The same rungs ranked by {@code m}. */
    public RungSchedule rankedBy(RungMetric m) {
        return new RungSchedule(rungEpochs, eta, m);
    }

    public int rungs() {
        return rungEpochs.size();
    }

    public int epochs(int rung) {
        return rungEpochs.get(rung);
    }

    /** Epochs of the last rung: the learning-rate schedule of every rung spans them. */
    public int topEpochs() {
        return rungEpochs.get(rungEpochs.size() - 1);
    }

    /**
     * How many of {@code entrants} candidates reach each rung when every rung promotes its full
     * quota, {@code floor(n / eta)} of the rung before.
     */
    public List<Integer> rungSizes(int entrants) {
        List<Integer> sizes = new ArrayList<>(rungs());
        int n = entrants;
        for (int r = 0; r < rungs(); r++) {
            sizes.add(n);
            n /= eta;
        }
        return sizes;
    }

    /**
     * The most epochs of the training set {@code entrants} candidates can cost: each rung's
     * candidates train from the rung before's epochs to this rung's.
     */
    public long worstCaseEpochs(int entrants) {
        List<Integer> sizes = rungSizes(entrants);
        long epochs = 0;
        int before = 0;
        for (int r = 0; r < rungs(); r++) {
            epochs += (long) sizes.get(r) * (rungEpochs.get(r) - before);
            before = rungEpochs.get(r);
        }
        return epochs;
    }

    /** The most entrants, at most {@code available}, whose worst case fits {@code budgetEpochs}. */
    public int entrantsWithin(long budgetEpochs, int available) {
        int n = 0;
        while (n < available && worstCaseEpochs(n + 1) <= budgetEpochs) {
            n++;
        }
        return n;
    }

    @Override
    public String toString() {
        return "rungs " + rungEpochs + " eta " + eta + (metric == RungMetric.ACCURACY ? "" : " by " + metric.id());
    }
}
