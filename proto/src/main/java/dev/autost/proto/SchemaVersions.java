package dev.autost.proto;

/**
 * The schema_version rule of the wire format.
 *
 * <p>Every top-level message carries {@code schema_version}. Producers write {@link #CURRENT}.
 * A consumer that reads a version it does not know sends the record to the dead-letter topic
 * and keeps running; it never guesses at the meaning of fields.
 */
public final class SchemaVersions {

    /** The version every producer writes today. */
    public static final int CURRENT = 1;

    private SchemaVersions() {}

    /** Whether this build understands messages of {@code version}; 0 means the field was unset. */
    public static boolean isKnown(int version) {
        return version == CURRENT;
    }
}
