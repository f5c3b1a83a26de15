package dev.autost.observability;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Readiness of the services running in one JVM. Thread-safe: the CLI marks services from its
 * own thread while the HTTP verticle reads from the event loop.
 *
 * <p>The JVM is ready when at least one service is expected and every expected service has
 * reported {@link #started}. A service that {@link #stopped} makes the JVM not ready again, so
 * Kubernetes stops routing to (and counting on) a pod whose service is shutting down.
 */
public final class ServiceHealth {

    /** State of one service. */
    public enum State {
        STARTING,
        STARTED,
        STOPPED
    }

    private final Map<String, State> states = new LinkedHashMap<>();
    private volatile java.util.function.Supplier<Map<String, String>> progress = Map::of;

    /** Where {@link #progress} comes from: the replays of this process (messaging's ReplayProgress). */
    public ServiceHealth progressFrom(java.util.function.Supplier<Map<String, String>> source) {
        this.progress = Objects.requireNonNull(source, "source");
        return this;
    }

    /** How far each service still replaying got, by service: shown while not ready. */
    public Map<String, String> progress() {
        return progress.get();
    }

    /** Declares a service that must start before the JVM is ready. */
    public synchronized ServiceHealth expect(String service) {
        states.putIfAbsent(requireName(service), State.STARTING);
        return this;
    }

    /** The service has replayed its state and serves. */
    public synchronized void started(String service) {
        states.put(requireName(service), State.STARTED);
    }

    /** The service is stopping or has stopped. */
    public synchronized void stopped(String service) {
        states.put(requireName(service), State.STOPPED);
    }

    public synchronized boolean ready() {
        return !states.isEmpty() && states.values().stream().allMatch(s -> s == State.STARTED);
    }

    /** A copy of every service's state, in the order they were declared. */
    public synchronized Map<String, State> snapshot() {
        return Map.copyOf(new LinkedHashMap<>(states));
    }

    private static String requireName(String service) {
        Objects.requireNonNull(service, "service");
        if (service.isBlank()) {
            throw new IllegalArgumentException("service must not be blank but was '" + service + "'");
        }
        return service;
    }
}
