package dev.autost.sampler;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * The sampler's admission: at most {@code maxRunning} experiments search at once, the others wait
 * in arrival order, at most {@code maxQueued} of them. Not thread-safe: the sampler's loop owns it.
 */
final class RunningSlots {
    /** A queued experiment's id and its spec record (null when queued again at a restart). */
    record Waiting(String experimentId, ConsumerRecord<byte[], byte[]> spec) {}

    private final int maxRunning;
    private final int maxQueued;
    private final Set<String> running = new HashSet<>();
    private final Map<String, ConsumerRecord<byte[], byte[]>> queue = new LinkedHashMap<>();

    RunningSlots(SamplerLimits limits) {
        this.maxRunning = limits.maxRunningExperiments();
        this.maxQueued = limits.maxQueuedExperiments();
    }

    boolean hasFreeSlot() {
        return running.size() < maxRunning;
    }

    /** Why one more experiment cannot wait, or null when it can. */
    String queueFull() {
        return queue.size() < maxQueued
                ? null
                : "the queue is full: " + queue.size() + " experiments wait for one of " + maxRunning
                        + " running slots (at most " + maxQueued
                        + " may wait: --max-queued-experiments); submit it again later";
    }

    /** Puts an experiment at the end of the queue, which its report says. */
    void enqueue(Experiment e, ConsumerRecord<byte[], byte[]> spec, SamplerOutput out) {
        queue.put(e.id(), spec);
        e.queue(out, running.size(), maxRunning, queue.size());
    }

    /** The oldest waiting experiment, taken out of the queue, when a slot is free; else null. */
    Waiting nextToAdmit() {
        if (!hasFreeSlot() || queue.isEmpty()) {
            return null;
        }
        var it = queue.entrySet().iterator();
        var next = it.next();
        it.remove();
        return new Waiting(next.getKey(), next.getValue());
    }

    /** Files an experiment by its phase after an input: a slot while it searches, out of the queue once over. */
    void settle(Experiment e) {
        if (e.phase().isSearching()) {
            running.add(e.id());
        } else {
            running.remove(e.id());
        }
        if (e.phase().isOver()) {
            queue.remove(e.id());
        }
    }

    int running() {
        return running.size();
    }

    int waiting() {
        return queue.size();
    }
}
