package dev.autost.models.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import dev.autost.models.nn.SpikingTransformer;
import java.util.ArrayList;
import java.util.List;

/**
 * The trained state at an epoch's start (parameters, BN statistics, optimiser moments and
 * step), copied in libtorch, to train the epoch again after a non-finite loss.
 */
final class EpochStart implements AutoCloseable {
    private final NDManager copies;
    private final AdamW optimizer;
    private final List<NDArray> arrays = new ArrayList<>();
    private final List<NDArray> saved = new ArrayList<>();
    private final AdamW.State optimizerState;

    EpochStart(NDManager manager, SpikingTransformer model, AdamW optimizer) {
        this.copies = manager.newSubManager();
        this.optimizer = optimizer;
        for (Parameter p : model.getParameters().values()) {
            NDArray a = p.getArray();
            NDArray c = a.duplicate();
            c.attach(copies);
            arrays.add(a);
            saved.add(c);
        }
        optimizerState = optimizer.snapshot(copies);
    }

    void restore() {
        for (int i = 0; i < arrays.size(); i++) {
            ArrayContents.copy(arrays.get(i), saved.get(i));
        }
        optimizer.restore(optimizerState);
    }

    @Override
    public void close() {
        copies.close();
    }
}
