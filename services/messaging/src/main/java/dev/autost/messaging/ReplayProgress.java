package dev.autost.messaging;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How far each replay running in this process got, for the readiness endpoint: a replay of a long
 * history is slow, not stuck, and {@code /ready} says which one is at which record. Thread-safe:
 * loop threads write, the HTTP thread reads.
 */
public final class ReplayProgress {
    private static final Map<String, String> BY_LOOP = new ConcurrentHashMap<>();

    private ReplayProgress() {}

    /** The replay named {@code loop} read {@code read} records and has {@code toGo} left. */
    static void report(String loop, long read, long toGo) {
        BY_LOOP.put(loop, read + " records read, " + toGo + " to go");
    }

    /** The replay named {@code loop} ended (caught up, or failed). */
    static void done(String loop) {
        BY_LOOP.remove(loop);
    }

    /** Every running replay's progress, by loop name. */
    public static Map<String, String> snapshot() {
        return Map.copyOf(new TreeMap<>(BY_LOOP));
    }
}
