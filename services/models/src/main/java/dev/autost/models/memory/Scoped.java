package dev.autost.models.memory;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDScope;
import java.util.function.Supplier;

/**
 * Runs a piece of a forward pass in its own {@link NDScope}: every array it makes is closed when
 * it returns, except its result, which is handed to the enclosing scope (DJL's
 * {@code NDScope.unregister} only removes an array from the innermost scope, so without the hand-over a kept
 * result would outlive every scope and stay until the step's manager closes).
 *
 * <p>Why this is safe in training: closing an array closes the Java handle, not the tensor;
 * autograd holds its own references to what backward needs. Without a graph (evaluation) the
 * memory is free as soon as the scope closes, as in PyTorch when the last reference goes.
 */
public final class Scoped {
    private Scoped() {}

    /** The array {@code body} returns; everything else it made is closed. */
    public static NDArray keep(Supplier<NDArray> body) {
        NDArray out;
        try (NDScope scope = new NDScope()) {
            out = body.get();
            NDScope.unregister(out);
        }
        NDScope.register(out);
        return out;
    }

    /** The arrays {@code body} returns; everything else it made is closed. */
    public static NDList keepAll(Supplier<NDList> body) {
        NDList out;
        try (NDScope scope = new NDScope()) {
            out = body.get();
            NDScope.unregister(out);
        }
        for (NDArray a : out) {
            NDScope.register(a);
        }
        return out;
    }
}
