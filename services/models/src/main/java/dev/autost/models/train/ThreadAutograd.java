package dev.autost.models.train;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;

/**
 * Autograd of the calling thread, so that several trainers can run in one process.
 *
 * <p>libtorch's grad mode is thread-local and on by default. DJL turns it off only on the thread
 * that loads the engine, and its {@code PtGradientCollector} guards itself with a process-wide
 * flag ("only one can be collecting at a time") although nothing it calls is process-wide. This
 * class makes the same JNI calls for the calling thread only: {@link #disableOnThisThread} gives a
 * worker thread DJL's assumption (otherwise the optimiser's in-place updates of leaf parameters
 * fail), and {@link #collect} records a graph on this thread while other threads train their own
 * models.
 */
public final class ThreadAutograd {
    private ThreadAutograd() {}

    /** Switches grad mode off on this thread (idempotent). */
    public static void disableOnThisThread() {
        JniUtils.setGradMode(false);
    }

    /**
     * Records the graph of this thread's operations until closed; {@code backward} accumulates
     * gradients into the leaves. Gradients are not zeroed here: the optimiser zeroes its own after
     * using them ({@link GradientCollector#zeroGradients} would touch every array in the process).
     */
    public static GradientCollector collect() {
        return new Collector();
    }

    private static final class Collector implements GradientCollector {
        private final boolean previous = JniUtils.isGradMode();

        Collector() {
            JniUtils.setGradMode(true);
        }

        @Override
        public void backward(NDArray target) {
            try (NDArray seed = target.onesLike()) {
                JniUtils.backward((PtNDArray) target, (PtNDArray) seed, false, false);
            }
        }

        @Override
        public void zeroGradients() {
            throw new UnsupportedOperationException("the optimiser zeroes the gradients of its own parameters");
        }

        @Override
        public void close() {
            JniUtils.setGradMode(previous);
        }
    }
}
