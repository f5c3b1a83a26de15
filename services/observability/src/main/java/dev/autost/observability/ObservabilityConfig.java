package dev.autost.observability;

import java.util.Objects;

/**
 * Where the HTTP endpoints listen. Immutable; validated when built.
 *
 * @param host address to bind; {@code 0.0.0.0} in a container so probes and scrapes reach it
 * @param port TCP port; {@code 0} asks the operating system for a free one (tests), see
 *     {@link Observability#port()} for the one bound. (The CLI's {@code --http-port 0} means
 *     "no endpoints" and never builds a config.)
 */
public record ObservabilityConfig(String host, int port) {

    public static final String DEFAULT_HOST = "0.0.0.0";

    public ObservabilityConfig {
        Objects.requireNonNull(host, "host");
        if (host.isBlank()) {
            throw new IllegalArgumentException("host must not be blank but was '" + host + "'");
        }
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port must be in [0, 65535] but was " + port);
        }
    }

    /** All interfaces on {@code port}. */
    public static ObservabilityConfig ofPort(int port) {
        return new ObservabilityConfig(DEFAULT_HOST, port);
    }
}
