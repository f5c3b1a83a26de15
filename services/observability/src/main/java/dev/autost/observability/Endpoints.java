package dev.autost.observability;

/**
 * Paths and the default port of every service's HTTP endpoints. Deployment manifests (probes,
 * Prometheus scrape settings) are checked against these constants by {@code deploy/checks}.
 */
public final class Endpoints {

    /** Prometheus text exposition of the JVM's {@link io.micrometer.core.instrument.MeterRegistry}. */
    public static final String METRICS = "/metrics";

    /** Liveness: 200 while the HTTP event loop answers; a restart is the only cure otherwise. */
    public static final String HEALTH = "/health";

    /** Readiness: 200 once every service of the JVM has replayed its state and serves, 503 before. */
    public static final String READY = "/ready";

    /** Port of {@code autost service --http-port}; the conventional one of a JVM sidecar-free pod. */
    public static final int DEFAULT_PORT = 8080;

    /** Name of the container port in the manifests ({@code containerPort} named for Services). */
    public static final String PORT_NAME = "http";

    private Endpoints() {}
}
