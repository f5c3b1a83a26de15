package dev.autost.domain.cost;

/** What a counted module does; decides how its operations are classified for energy. */
public enum OpKind {
    CONV,
    BATCH_NORM,
    NEURON,
    LINEAR,
    MAX_POOL,
    /** Attention matmuls Q K^T and attn V: computed, but never counted by the official counter. */
    MATMUL,
    /** The fixed 0.125 attention scale: one multiply per attention-map element. */
    SCALE,
    /** Residual additions. */
    ADD,
    /** Means over tokens and over time before the head. */
    MEAN
}
