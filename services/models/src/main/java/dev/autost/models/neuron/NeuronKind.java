package dev.autost.models.neuron;

/** Leaky integrate-and-fire with a fixed time constant, or with a learnable one. */
public enum NeuronKind {
    /** LIF: tau = 2, no parameters (Spikformer). */
    LIF,
    /** Parametric LIF: one learnable scalar w per module, 1/tau = sigmoid(w), w = 0 at init so tau = 2 (AutoST). */
    PLIF
}
