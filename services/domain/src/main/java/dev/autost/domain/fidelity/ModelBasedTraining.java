package dev.autost.domain.fidelity;

import dev.autost.domain.fidelity.SuccessiveHalving.Request;
import dev.autost.domain.surrogate.GaussianProcess;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Model-based training (sequential Bayesian optimisation over a scored pool): each training is
 * chosen after the results before it. The first {@code warmStart} go to the pool's best by the
 * search's objective (a training-free proxy); after that a {@link GaussianProcess} of final
 * accuracy on the candidates' features is refitted on every result, and the untrained candidate
 * with the highest upper confidence bound ({@code mean + kappa * sd}) trains next. Every training
 * runs the same {@code epochs}; requests stop when the next would pass the budget. One training
 * runs at a time, so every choice sees every result before it and a replay makes the same
 * choices. Not thread-safe.
 */
public final class ModelBasedTraining implements TrainingSchedule {
    /** Upper confidence bound's weight on the standard deviation. */
    public static final double KAPPA = 1.0;
    /** Trainings chosen by the proxy before the model takes over. */
    public static final int WARM_START = 2;

    private final Map<String, double[]> pool;
    private final int epochs;
    private final long budgetEpochs;
    private final Map<String, Integer> requested = new LinkedHashMap<>();
    private final Map<String, Double> results = new LinkedHashMap<>(); // NaN: failed
    /** Final accuracies known from elsewhere (the lab's results of the same recipe), pool members only. */
    private final Map<String, Double> prior = new LinkedHashMap<>();

    /**
     * @param pool         candidates by genome hash with their features, best first by the proxy
     * @param epochs       each training's epochs
     * @param budgetEpochs the most epochs all trainings take together
     */
    public ModelBasedTraining(Map<String, double[]> pool, int epochs, long budgetEpochs) {
        this.pool = new LinkedHashMap<>(Objects.requireNonNull(pool, "pool"));
        if (epochs < 1) {
            throw new IllegalArgumentException("epochs must be >= 1, got " + epochs);
        }
        this.epochs = epochs;
        this.budgetEpochs = budgetEpochs;
    }

    /**
     * Warm start (spec {@code warm_start: lab}): final accuracies of pool candidates that other
     * experiments trained with the same recipe and epochs. The surrogate fits on them too (an own
     * result of the same candidate wins), and the proxy picks only the first training instead of
     * {@link #WARM_START}. Candidates with a prior accuracy stay trainable: a trainer reuses the
     * earlier training at no cost.
     */
    public void warmStart(Map<String, Double> accuracies) {
        accuracies.forEach((hash, a) -> {
            if (pool.containsKey(hash) && Double.isFinite(a)) {
                prior.put(hash, a);
            }
        });
    }

    /** Prior accuracies taken by {@link #warmStart}. */
    public int priorResults() {
        return prior.size();
    }

    @Override
    public List<Request> start() {
        return promote();
    }

    @Override
    public void requested(String genomeHash, int epochs) {
        if (pool.containsKey(genomeHash)) {
            requested.merge(genomeHash, epochs, Math::max);
        }
    }

    @Override
    public void record(String genomeHash, List<Double> epochAccuracies, List<Double> epochLosses, boolean failed) {
        if (!pool.containsKey(genomeHash)) {
            return;
        }
        requested.putIfAbsent(genomeHash, epochs);
        results.put(
                genomeHash,
                failed || epochAccuracies.isEmpty() ? Double.NaN : epochAccuracies.get(epochAccuracies.size() - 1));
    }

    @Override
    public List<Request> promote() {
        if (running() > 0 || epochsRequested() + epochs > budgetEpochs) {
            return List.of();
        }
        String next = next();
        if (next == null) {
            return List.of();
        }
        requested.put(next, epochs);
        return List.of(new Request(next, epochs));
    }

    /** The next candidate to train: the proxy's best during the warm start, then the model's. */
    private String next() {
        List<String> open =
                pool.keySet().stream().filter(h -> !requested.containsKey(h)).toList();
        if (open.isEmpty()) {
            return null;
        }
        Map<String, Double> known = new LinkedHashMap<>(prior);
        results.forEach((hash, a) -> {
            if (!Double.isNaN(a)) {
                known.put(hash, a);
            }
        });
        int proxyPicks = prior.isEmpty() ? WARM_START : 1;
        if (requested.size() < proxyPicks || known.size() < 2) {
            return open.get(0);
        }
        List<String> fitted = List.copyOf(known.keySet());
        double[][] x = fitted.stream().map(pool::get).toArray(double[][]::new);
        double[] y = fitted.stream().mapToDouble(known::get).toArray();
        GaussianProcess gp = GaussianProcess.fit(x, y);
        String best = null;
        double bestBound = Double.NEGATIVE_INFINITY;
        for (String h : open) { // ties: the proxy's order
            double bound = gp.predict(pool.get(h)).upperBound(KAPPA);
            if (bound > bestBound) {
                bestBound = bound;
                best = h;
            }
        }
        return best;
    }

    private int running() {
        return (int)
                requested.keySet().stream().filter(h -> !results.containsKey(h)).count();
    }

    @Override
    public boolean isDone() {
        return running() == 0 && promoteWouldRequestNothing();
    }

    private boolean promoteWouldRequestNothing() {
        return epochsRequested() + epochs > budgetEpochs || requested.size() >= pool.size();
    }

    @Override
    public long epochsRequested() {
        return requested.values().stream().mapToLong(Integer::longValue).sum();
    }

    @Override
    public long budgetEpochs() {
        return budgetEpochs;
    }

    @Override
    public int expectedTrainings() {
        return (int) Math.min(pool.size(), Math.max(0, budgetEpochs / epochs));
    }

    @Override
    public int withResult() {
        return results.size();
    }

    @Override
    public List<Integer> finishedPerRung() {
        return List.of(results.size());
    }
}
