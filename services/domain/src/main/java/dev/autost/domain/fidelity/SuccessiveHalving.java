package dev.autost.domain.fidelity;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Asynchronous successive halving (ASHA) over a fixed list of entrants, best first by the search.
 * Every entrant trains the first rung; whenever a rung has finished {@code n} candidates and
 * promoted fewer than {@code floor(n / eta)}, its best finished candidate not yet promoted goes on
 * to the next rung (ties by the entrants' order). Promoting at most {@code floor(n / eta)} keeps
 * the epochs within {@link RungSchedule#worstCaseEpochs}; promoting as results arrive, not after a
 * whole rung, keeps trainers busy.
 *
 * <p>The state is what the topics hold: the epochs last requested per candidate ({@link
 * #requested}) and its last result, whose per-epoch accuracies tell its accuracy at every rung it
 * passed ({@link #onResult}). So a restarted sampler that replays its requests and the results
 * rebuilds the same state and publishes only what is missing. Not thread-safe.
 */
public final class SuccessiveHalving implements TrainingSchedule {
    /** Train {@code genomeHash} until it has {@code epochs} epochs in all. */
    public record Request(String genomeHash, int epochs) {}

    private static final class Entrant {
        final int order;
        int requested;
        List<Double> accuracies = List.of();
        List<Double> losses = List.of();
        boolean failed;
        boolean hasResult;

        Entrant(int order) {
            this.order = order;
        }
    }

    private final RungSchedule schedule;
    private final Map<String, Entrant> entrants = new LinkedHashMap<>();

    /** @param entrants genome hashes, best first; duplicates count once */
    public SuccessiveHalving(RungSchedule schedule, List<String> entrants) {
        this.schedule = Objects.requireNonNull(schedule, "schedule");
        for (String hash : entrants) {
            this.entrants.putIfAbsent(hash, new Entrant(this.entrants.size()));
        }
    }

    public RungSchedule schedule() {
        return schedule;
    }

    /** The first rung's requests of every entrant not requested yet. */
    @Override
    public List<Request> start() {
        List<Request> out = new ArrayList<>();
        entrants.forEach((hash, e) -> {
            if (e.requested == 0 && !e.hasResult) {
                e.requested = schedule.epochs(0);
                out.add(new Request(hash, e.requested));
            }
        });
        return out;
    }

    /** A request published before (a replay): the entrant trains to at least {@code epochs}. */
    @Override
    public void requested(String genomeHash, int epochs) {
        Entrant e = entrants.get(genomeHash);
        if (e != null) {
            e.requested = Math.max(e.requested, epochs);
        }
    }

    /**
     * A training result without promoting: its test accuracy after each epoch, or failed. A
     * replay records every stored result first and promotes once, so the quotas see the whole
     * state, as the live run did when it promoted. A shorter history than one already known (an
     * earlier rung's result delivered again) changes nothing; a result that is not an entrant's
     * is ignored.
     */
    @Override
    public void record(String genomeHash, List<Double> epochAccuracies, List<Double> epochLosses, boolean failed) {
        Entrant e = entrants.get(genomeHash);
        if (e == null) {
            return;
        }
        e.hasResult = true;
        if (failed) {
            e.failed = true;
            e.requested = Math.max(e.requested, schedule.epochs(0));
        } else if (epochAccuracies.size() > e.accuracies.size()) {
            e.accuracies = List.copyOf(epochAccuracies);
            e.losses = List.copyOf(epochLosses);
        }
        // A result for more epochs than requested: the request was lost with its topic's retention.
        e.requested = Math.max(e.requested, e.accuracies.size());
    }

    /** Promotes what the quotas allow now; each rung's promotions are best first. */
    @Override
    public List<Request> promote() {
        List<Request> out = new ArrayList<>();
        for (int r = 0; r + 1 < schedule.rungs(); r++) {
            for (Map.Entry<String, Entrant> en : promotable(r)) {
                en.getValue().requested = schedule.epochs(r + 1);
                out.add(new Request(en.getKey(), en.getValue().requested));
            }
        }
        return out;
    }

    /**
     * The candidates rung {@code r} may promote now, best first: its quota {@code floor(finished /
     * eta)} less those already gone on, taken from the finished ones still waiting (not failed).
     */
    private List<Map.Entry<String, Entrant>> promotable(int r) {
        List<Map.Entry<String, Entrant>> waiting = new ArrayList<>();
        int finished = 0;
        int promoted = 0;
        for (var en : entrants.entrySet()) {
            Entrant e = en.getValue();
            if (!finished(e, r)) {
                continue;
            }
            finished++;
            if (e.requested > schedule.epochs(r)) {
                promoted++;
            } else if (!e.failed) {
                waiting.add(en);
            }
        }
        waiting.sort(Comparator.comparingDouble((Map.Entry<String, Entrant> en) -> -standingAt(en.getValue(), r))
                .thenComparingInt(en -> en.getValue().order));
        int quota = Math.max(0, finished / schedule.eta() - promoted);
        return waiting.subList(0, Math.min(quota, waiting.size()));
    }

    /** Whether {@code e} finished rung {@code r}: trained that far, or failed on its way there. */
    private boolean finished(Entrant e, int r) {
        int epochs = schedule.epochs(r);
        return e.accuracies.size() >= epochs || (e.failed && e.requested >= epochs);
    }

    /** How {@code e} stands at rung {@code r} by the schedule's metric, higher better. */
    private double standingAt(Entrant e, int r) {
        double a = schedule.metric().at(e.accuracies, e.losses, schedule.epochs(r));
        return Double.isNaN(a) ? Double.NEGATIVE_INFINITY : a;
    }

    /** No training running and none to promote: the last result is in. */
    @Override
    public boolean isDone() {
        for (Entrant e : entrants.values()) {
            if (e.requested == 0 || (!e.failed && e.accuracies.size() < e.requested)) {
                return false; // not started, or training
            }
        }
        // Promotions are published when the result that allows them arrives; this only guards a
        // caller that asks before handing over its replayed state.
        for (int r = 0; r + 1 < schedule.rungs(); r++) {
            if (!promotable(r).isEmpty()) {
                return false;
            }
        }
        return true;
    }

    /** Epochs of the training set requested so far: each entrant's last request (promotions continue runs). */
    @Override
    public long epochsRequested() {
        long sum = 0;
        for (Entrant e : entrants.values()) {
            sum += e.requested;
        }
        return sum;
    }

    /** The epochs requested when every rung fills its quota. */
    @Override
    public long budgetEpochs() {
        return schedule.worstCaseEpochs(entrants.size());
    }

    /** Entrants with a result (OK or failed). */
    @Override
    public int expectedTrainings() {
        return entrants.size();
    }

    @Override
    public int withResult() {
        int n = 0;
        for (Entrant e : entrants.values()) {
            if (e.hasResult) {
                n++;
            }
        }
        return n;
    }

    /** How many entrants have finished each rung, first rung first. */
    @Override
    public List<Integer> finishedPerRung() {
        List<Integer> out = new ArrayList<>();
        for (int r = 0; r < schedule.rungs(); r++) {
            int n = 0;
            for (Entrant e : entrants.values()) {
                if (finished(e, r)) {
                    n++;
                }
            }
            out.add(n);
        }
        return out;
    }

    /** The epochs last requested for {@code genomeHash}; 0 when none (or not an entrant). */
    public int requestedEpochs(String genomeHash) {
        Entrant e = entrants.get(genomeHash);
        return e == null ? 0 : e.requested;
    }
}
