package dev.autost.api;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Where the API's HTTP server listens, and what it holds for whom: connections, their deadlines,
 * each client's request rate, who may read. Immutable; checked when built.
 *
 * @param host address to bind: {@link #DEFAULT_HOST} serves this machine only; {@code 0.0.0.0}
 *     (every interface) is for a container or a host that others reach, and should come with a
 *     strong token
 * @param port 0 picks a free port ({@link ApiVerticle#actualPort()})
 * @param idleTimeout a connection without traffic either way for this long is closed
 * @param maxConnections connections held open at once; one more is closed as soon as it is
 *     accepted, until others close
 * @param requestDeadline a request must arrive in full (headers and body) within this long of
 *     the connection opening or of the previous answer, else the connection is closed: the idle
 *     timeout restarts at every byte, so sockets that trickle a byte a minute held the cap
 * @param probePort where {@code /health}, {@code /ready} and {@code /metrics} are served apart
 *     from the public listener (its cap, deadlines and rate limit), so a flood of readers cannot
 *     make the kubelet restart the pod; {@link #PROBES_ON_API_PORT} serves them on {@code port}
 *     as well, 0 picks a free port ({@link ApiVerticle#probePort()})
 * @param readsNeedToken every {@code /api/} read needs the bearer token too (the page asks for
 *     it); only the page's own files and the OpenAPI document stay open
 * @param clientRequestsPerSecond requests each client address may make per second, sustained;
 *     one more than {@link #clientBurst} ahead of that is answered 429 with Retry-After
 * @param clientBurst requests a client may make at once before the rate applies
 */
public record ApiServerConfig(
        String host,
        int port,
        Duration idleTimeout,
        int maxConnections,
        Duration requestDeadline,
        int probePort,
        boolean readsNeedToken,
        double clientRequestsPerSecond,
        int clientBurst) {
    /** Loopback: the API of a lab is reached from the same machine unless said otherwise. */
    public static final String DEFAULT_HOST = "127.0.0.1";

    /**
     * The page polls every 3 s and keeps its connection; a minute lets a reader pause without
     * reconnecting and still frees sockets that a client opened and forgot.
     */
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(60);

    /**
     * A lab needs a few connections (a page, a script, Prometheus); 256 keeps a flood of idle
     * sockets well below the usual limit of 1 024 open files per process.
     */
    public static final int DEFAULT_MAX_CONNECTIONS = 256;

    /**
     * A request is a few hundred bytes, a submission at most 64 KiB: ten seconds is ample on any
     * link, and a browser opens a new connection when a kept one was closed.
     */
    public static final Duration DEFAULT_REQUEST_DEADLINE = Duration.ofSeconds(10);

    /** {@link #probePort} value that keeps the probes on the API's own port. */
    public static final int PROBES_ON_API_PORT = -1;

    /**
     * The page makes about 3 requests a second while it shows an experiment (lists every 3 s,
     * charts, a leaderboard); 20 a second sustained, 100 at once, leaves a script room too.
     */
    public static final double DEFAULT_CLIENT_REQUESTS_PER_SECOND = 20;

    public static final int DEFAULT_CLIENT_BURST = 100;

    public ApiServerConfig {
        Objects.requireNonNull(host, "host");
        if (host.isBlank()) {
            throw new IllegalArgumentException("host must not be blank");
        }
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port must be in [0, 65535], got " + port);
        }
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        if (idleTimeout.toMillis() < 1 || idleTimeout.toMillis() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("idleTimeout must be between 1 ms and 24 days, got " + idleTimeout);
        }
        if (maxConnections < 1) {
            throw new IllegalArgumentException("maxConnections must be at least 1, got " + maxConnections);
        }
        Objects.requireNonNull(requestDeadline, "requestDeadline");
        if (requestDeadline.toMillis() < 100 || requestDeadline.compareTo(Duration.ofHours(1)) > 0) {
            throw new IllegalArgumentException(
                    "requestDeadline must be between 100 ms and 1 hour, got " + requestDeadline);
        }
        if (probePort < PROBES_ON_API_PORT || probePort > 65_535) {
            throw new IllegalArgumentException("probe port must be in [0, 65535], or " + PROBES_ON_API_PORT
                    + " for the API's port; got " + probePort);
        }
        if (probePort > 0 && probePort == port) {
            throw new IllegalArgumentException("the probe port must differ from the API's port " + port);
        }
        if (!(clientRequestsPerSecond > 0) || Double.isInfinite(clientRequestsPerSecond)) {
            throw new IllegalArgumentException(
                    "requests per second per client must be positive, got " + clientRequestsPerSecond);
        }
        if (clientBurst < 1) {
            throw new IllegalArgumentException("the burst per client must be at least 1, got " + clientBurst);
        }
    }

    /**
     * {@code host:port} with the defaults: probes on the API's port, reads open on a loopback
     * address and behind the token on any other (a lab's page is read from its own machine; an
     * API others reach is not for anonymous readers).
     */
    public static ApiServerConfig of(String host, int port) {
        return new ApiServerConfig(
                host,
                port,
                DEFAULT_IDLE_TIMEOUT,
                DEFAULT_MAX_CONNECTIONS,
                DEFAULT_REQUEST_DEADLINE,
                PROBES_ON_API_PORT,
                !isLoopback(host),
                DEFAULT_CLIENT_REQUESTS_PER_SECOND,
                DEFAULT_CLIENT_BURST);
    }

    /** Whether {@code host} is a loopback address or name (not resolved: a literal or "localhost"). */
    public static boolean isLoopback(String host) {
        String h = host.trim().toLowerCase(Locale.ROOT);
        return h.equals("localhost") || h.startsWith("127.") || h.equals("::1") || h.equals("[::1]");
    }

    public ApiServerConfig withIdleTimeout(Duration idleTimeout) {
        return with(c -> c.idleTimeout = idleTimeout);
    }

    public ApiServerConfig withMaxConnections(int maxConnections) {
        return with(c -> c.maxConnections = maxConnections);
    }

    public ApiServerConfig withRequestDeadline(Duration requestDeadline) {
        return with(c -> c.requestDeadline = requestDeadline);
    }

    public ApiServerConfig withProbePort(int probePort) {
        return with(c -> c.probePort = probePort);
    }

    public ApiServerConfig withReadsNeedToken(boolean readsNeedToken) {
        return with(c -> c.readsNeedToken = readsNeedToken);
    }

    public ApiServerConfig withClientRate(double requestsPerSecond, int burst) {
        return with(c -> {
            c.clientRequestsPerSecond = requestsPerSecond;
            c.clientBurst = burst;
        });
    }

    /** A copy with what {@code change} sets, checked again by the record's constructor. */
    private ApiServerConfig with(Consumer<Fields> change) {
        Fields f = new Fields(this);
        change.accept(f);
        return new ApiServerConfig(
                f.host,
                f.port,
                f.idleTimeout,
                f.maxConnections,
                f.requestDeadline,
                f.probePort,
                f.readsNeedToken,
                f.clientRequestsPerSecond,
                f.clientBurst);
    }

    /** The components, changeable, for {@link #with}. */
    private static final class Fields {
        final String host;
        final int port;
        Duration idleTimeout;
        int maxConnections;
        Duration requestDeadline;
        int probePort;
        boolean readsNeedToken;
        double clientRequestsPerSecond;
        int clientBurst;

        Fields(ApiServerConfig c) {
            host = c.host;
            port = c.port;
            idleTimeout = c.idleTimeout;
            maxConnections = c.maxConnections;
            requestDeadline = c.requestDeadline;
            probePort = c.probePort;
            readsNeedToken = c.readsNeedToken;
            clientRequestsPerSecond = c.clientRequestsPerSecond;
            clientBurst = c.clientBurst;
        }
    }
}
