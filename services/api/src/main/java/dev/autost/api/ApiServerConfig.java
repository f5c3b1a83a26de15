package dev.autost.api;

import java.time.Duration;
import java.util.Objects;

/**
 * Where the API's HTTP server listens and how many connections it holds, for how long.
 * Immutable; checked when built.
 *
 * @param host address to bind: {@link #DEFAULT_HOST} serves this machine only; {@code 0.0.0.0}
 *     (every interface) is for a container or a host that others reach, and should come with a
 *     strong token
 * @param port 0 picks a free port ({@link ApiVerticle#actualPort()})
 * @param idleTimeout a connection without traffic either way for this long is closed
 * @param maxConnections connections held open at once; one more is closed as soon as it is
 *     accepted, until others close
 */
public record ApiServerConfig(String host, int port, Duration idleTimeout, int maxConnections) {
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
    }

    /** {@code host:port} with the default idle timeout and connection cap. */
    public static ApiServerConfig of(String host, int port) {
        return new ApiServerConfig(host, port, DEFAULT_IDLE_TIMEOUT, DEFAULT_MAX_CONNECTIONS);
    }

    public ApiServerConfig withIdleTimeout(Duration idleTimeout) {
        return new ApiServerConfig(host, port, idleTimeout, maxConnections);
    }

    public ApiServerConfig withMaxConnections(int maxConnections) {
        return new ApiServerConfig(host, port, idleTimeout, maxConnections);
    }
}
