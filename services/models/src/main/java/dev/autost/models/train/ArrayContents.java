package dev.autost.models.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;

/**
 * Overwrites an array's values in place (optimiser moments and BN running statistics on
 * restore). DJL's {@code NDArray.set(float[])} and {@code copyTo} reach libtorch through its
 * deprecated {@code AutoNonVariableTypeMode}, which prints a deprecation warning as the first
 * thing a trainer shows; an indexed assignment of the whole array does the same copy without it.
 */
final class ArrayContents {
    private static final NDIndex ALL = new NDIndex("...");

    private ArrayContents() {}

    static void replace(NDArray target, float[] values) {
        if (values.length != target.size()) {
            throw new IllegalArgumentException(values.length + " values for an array of shape " + target.getShape());
        }
        try (NDManager tmp = target.getManager().newSubManager()) {
            target.set(ALL, tmp.create(values, target.getShape()));
        }
    }
}
