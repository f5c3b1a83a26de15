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
        }
    }
}
