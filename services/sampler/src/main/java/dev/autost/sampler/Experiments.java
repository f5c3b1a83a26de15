package dev.autost.sampler;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The experiments a sampler knows: the open ones with their state, the ones over by id and how
 * they ended (nothing else is kept of them). Not thread-safe: the sampler's loop owns it.
 */
final class Experiments {
    private final Map<String, Experiment> open = new HashMap<>();
    private final Map<String, ExperimentPhase> ended = new HashMap<>();
    private final RunningSlots slots;

    Experiments(RunningSlots slots) {
        this.slots = slots;
    }

    /** The open experiment, or null. */
    Experiment get(String experimentId) {
        return open.get(experimentId);
    }

    /** Open, or over. */
    boolean isKnown(String experimentId) {
        return open.containsKey(experimentId) || ended.containsKey(experimentId);
    }

    boolean isOver(String experimentId) {
        return ended.containsKey(experimentId);
    }

    /** How it ended, or null while open or unknown. */
    ExperimentPhase endedAs(String experimentId) {
        return ended.get(experimentId);
    }

    void add(Experiment e) {
        open.put(e.id(), e);
    }

    /** Records an experiment over that this sampler holds no state for (known from a report, or refused). */
    void ended(String experimentId, ExperimentPhase how) {
        ended.put(experimentId, how);
    }

    /** Gives the open experiment an input, then {@linkplain #settle files} it; nothing when none is open. */
    void route(String experimentId, Consumer<Experiment> input) {
        Experiment e = open.get(experimentId);
        if (e != null) {
            input.accept(e);
            settle(e);
        }
    }

    /** Files an experiment by its phase after an input: a running slot while it searches, its id only once over. */
    void settle(Experiment e) {
        slots.settle(e);
        if (e.phase().isOver()) {
            open.remove(e.id());
            ended.put(e.id(), e.phase());
        }
    }

    /** Open experiments. */
    int open() {
        return open.size();
    }

    /** Open experiments in {@code phase}. */
    int inPhase(ExperimentPhase phase) {
        return (int) open.values().stream().filter(e -> e.phase() == phase).count();
    }
}
