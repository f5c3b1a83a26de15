package dev.autost.models.nn;

import dev.autost.models.neuron.NeuronKind;
import dev.autost.models.neuron.SpikingNeuron;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** Creates the model's neurons with one kind and T, and indexes them by qualified name. */
final class Neurons {
    private final NeuronKind kind;
    private final int timeSteps;
    private final Map<String, SpikingNeuron> byName = new LinkedHashMap<>();

    Neurons(NeuronKind kind, int timeSteps) {
        this.kind = kind;
        this.timeSteps = timeSteps;
    }

    SpikingNeuron create(String qualifiedName, float threshold) {
        SpikingNeuron n = SpikingNeuron.builder()
                .setName(qualifiedName)
                .setTimeSteps(timeSteps)
                .optKind(kind)
                .optThreshold(threshold)
                .build();
        if (byName.putIfAbsent(qualifiedName, n) != null) {
            throw new IllegalStateException("duplicate neuron " + qualifiedName);
        }
        return n;
    }

    Map<String, SpikingNeuron> all() {
        return Collections.unmodifiableMap(byName);
    }
}
