package dev.autost.models.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;

class DenormalsTest {
    private static volatile float tiny = Float.MIN_NORMAL;

    @Test
    void flush_makesLibtorchAndJavaProduceZeroInsteadOfDenormals_andRestoreUndoesIt() {
        assumeTrue(Denormals.supported(), "Linux x86-64 only");
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(new float[] {Float.MIN_NORMAL, 1f});
            assertTrue(x.div(4f).toFloatArray()[0] > 0f, "without the flush the quotient is a denormal");
            int before = Denormals.flushOnThisThread();
            try {
                assertEquals(Denormals.FTZ | Denormals.DAZ, Denormals.mxcsr() & (Denormals.FTZ | Denormals.DAZ));
                for (int i = 0; i < 100; i++) { // many JNI round trips: the JVM must not reset the register
                    assertEquals(0f, x.div(4f).toFloatArray()[0], "libtorch flushes");
                }
                assertEquals(0f, tiny / 4f, "Java arithmetic on this thread flushes too");
            } finally {
                Denormals.restore(before);
            }
            assertTrue(x.div(4f).toFloatArray()[0] > 0f);
            assertTrue(tiny / 4f > 0f);
        }
    }
}
