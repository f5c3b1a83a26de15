package dev.autost.models.train;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;

class OneDnnTest {
    /** The JNA calls find libtorch_cpu's context and its switch, and the switch stays off. */
    @Test
    void disable_turnsOneDnnOffInTheLoadedLibTorch_once() {
        try (NDManager m = NDManager.newBaseManager()) { // loads the engine
            assertTrue(OneDnn.loadedLibTorchCpu().isPresent(), "libtorch_cpu.so is mapped");
            OneDnn.disable();
            assertTrue(OneDnn.disabled());
            assertFalse(OneDnn.disable(), "off already");
            // A convolution after it runs (on ATen's kernels) and gives the same numbers.
            var x = m.ones(new ai.djl.ndarray.types.Shape(2, 3, 8, 8));
            var w = m.ones(new ai.djl.ndarray.types.Shape(4, 3, 3, 3));
            var y = ai.djl.nn.convolutional.Conv2d.conv2d(
                            x, w, null, new ai.djl.ndarray.types.Shape(1, 1), new ai.djl.ndarray.types.Shape(1, 1))
                    .singletonOrThrow();
            assertTrue(y.getFloat(0, 0, 3, 3) == 27f && y.getFloat(0, 0, 0, 0) == 12f, y.toString());
        }
    }
}
