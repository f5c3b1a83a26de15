package dev.autost.cli.options;

import dev.autost.messaging.Topics;

/**
 * The defaults the commands share, typed once. Option annotations need constant strings, so
 * they read these as {@code "" + Defaults.X}; {@code DefaultsTest} keeps the evolution's in
 * step with the domain's official settings.
 */
public final class Defaults {
    /** The space a search samples when none is named. */
    public static final String SPACE = "small";

    /** Seed of a search and of an {@code autost train} run. */
    public static final long SEED = 42;

    /** The official evolution: 50 candidates per generation... */
    public static final int POPULATION = 50;

    /** ...20 bred generations after the random first one... */
    public static final int GENERATIONS = 20;

    /** ...and the top 10 kept as parents. */
    public static final int PARENTS = 10;

    /** The dataset that ships as a Debian package, so a fresh machine can train. */
    public static final String DATASET = "fashion-mnist";

    /** One epoch: the short CPU recipe ranks architectures, it does not reach their best accuracy. */
    public static final int EPOCHS = 1;

    /** The short recipe's batch. */
    public static final int BATCH_SIZE = 64;

    public static final String DEVICE = "cpu";

    /** Topics a command creates are laid out as the services' own. */
    public static final int PARTITIONS = Topics.DEFAULT_PARTITIONS;

    public static final short REPLICATION = Topics.DEFAULT_REPLICATION;

    private Defaults() {}
}
