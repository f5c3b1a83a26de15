package dev.autost.models.train;

/**
 * libtorch's autograd mode is per thread and on by default; DJL turns it off only on the thread
 * that loads the engine, and a gradient collector restores whatever mode it found. On any other
 * thread (a trainer worker's job thread) the optimiser's in-place updates of leaf parameters
 * would then fail with "a leaf Variable that requires grad is being used in an in-place
 * operation". Switching it off once per thread restores DJL's assumption. Reflection keeps this
 * module compiled against DJL's API only; without the PyTorch engine it does nothing.
 */
final class ThreadGradMode {
    private ThreadGradMode() {}

    static void disableOnThisThread() {
        try {
            Class.forName("ai.djl.pytorch.jni.JniUtils")
                    .getMethod("setGradMode", boolean.class)
                    .invoke(null, false);
        } catch (ReflectiveOperationException e) {
            // Not the PyTorch engine: nothing to do.
        }
    }
}
