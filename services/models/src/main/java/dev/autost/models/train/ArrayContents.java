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

    /** Copies {@code source} (same shape) into {@code target} in place. */
    static void copy(NDArray target, NDArray source) {
        if (!target.getShape().equals(source.getShape())) {
            throw new IllegalArgumentException(source.getShape() + " into an array of shape " + target.getShape());
        }
        target.set(ALL, source);
    }

    /** Sets every value of {@code target} to 0 in place. */
    static void zero(NDArray target) {
        try (NDManager tmp = target.getManager().newSubManager()) {
            target.set(ALL, tmp.zeros(target.getShape(), target.getDataType()));
        }
    }

    static void replace(NDArray target, float[] values) {
        if (values.length != target.size()) {
            throw new IllegalArgumentException(values.length + " values for an array of shape " + target.getShape());
        }
        try (NDManager tmp = target.getManager().newSubManager()) {
            target.set(ALL, tmp.create(values, target.getShape()));
        }
    }
}
