package dev.autost.models.neuron;

import ai.djl.ndarray.NDArray;

/** Sees the spikes a neuron layer emits, e.g. to build the NASWOT kernel of an untrained model. */
@FunctionalInterface
public interface SpikeObserver {
    /**
     * @param layer  the neuron's qualified name
     * @param spikes exactly 0/1, time-major: leading dimension T * B (times tokens for token
     *               layers), so {@code reshape(T, B, -1)} gives one code per time step and sample.
     *               Valid only during the call.
     */
    void onSpikes(String layer, NDArray spikes);
}
