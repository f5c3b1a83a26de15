package dev.autost.messaging;

import java.time.Duration;
import java.util.Objects;

/**
 * The checks service configs make when they are built, with messages naming the field and the
 * value, so that an invalid config is refused before anything starts.
 */
public final class ConfigChecks {
    private ConfigChecks() {}

    /**
     * @return {@code value} trimmed
     * @throws IllegalArgumentException if it is blank
     */
    public static String requireText(String value, String field) {
        Objects.requireNonNull(value, field);
        if (value.isBlank()) {
            throw new IllegalArgumentException(field + " must not be blank but was '" + value + "'");
        }
        return value.trim();
    }

    /** @throws IllegalArgumentException if {@code value} is zero or negative */
    public static void requirePositive(Duration value, String field) {
        Objects.requireNonNull(value, field);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(field + " must be positive but was " + value);
        }
    }

    /**
     * @return {@code bootstrapServers} trimmed
     * @throws IllegalArgumentException unless it is {@code host:port[,host:port...]}
     */
    public static String requireBootstrapServers(String bootstrapServers) {
        String value = requireText(bootstrapServers, "bootstrapServers");
        for (String server : value.split(",")) {
            int colon = server.trim().lastIndexOf(':');
            if (colon <= 0 || !isPort(server.trim().substring(colon + 1))) {
                throw new IllegalArgumentException(
                        "bootstrapServers must be host:port[,host:port...] but was '" + bootstrapServers + "'");
            }
        }
        return value;
    }

    private static boolean isPort(String text) {
        try {
            int port = Integer.parseInt(text);
            return port > 0 && port <= 65_535;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
