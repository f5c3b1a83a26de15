package dev.autost.domain.model;

import java.util.Locale;

/**
 * Which block layout a genome is built with. The two differ in neuron type, neuron
 * placement and the stem's last neurons, and so in parameters and FLOPs.
 */
public enum Backbone {
    /** AutoST: PLIF neurons (one learnable scalar each) placed before every layer. */
    AUTOST(true),
    /** Spikformer: plain LIF neurons placed after every BatchNorm. */
    SPIKFORMER(false);

    private final boolean preActivation;

    Backbone(boolean preActivation) {
        this.preActivation = preActivation;
    }

    /** True when neurons come before the layers and carry a learnable time constant. */
    public boolean preActivation() {
        return preActivation;
    }

    /** The lower-case name used in YAML, JSON and on the command line. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses {@code autost} or {@code spikformer} (any case).
     *
     * @throws IllegalArgumentException naming the accepted values
     */
    public static Backbone parse(String text) {
        for (Backbone b : values()) {
            if (b.id().equalsIgnoreCase(text == null ? "" : text.trim())) {
                return b;
            }
        }
        throw new IllegalArgumentException("unknown backbone '" + text + "' (expected autost or spikformer)");
    }
}
