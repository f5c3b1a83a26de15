package dev.autost.models.train;

import com.sun.jna.Function;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Turns libtorch's oneDNN (MKL-DNN) path off in this process, what PyTorch's
 * {@code torch.backends.mkldnn.enabled = False} does: convolutions then run on ATen's own CPU
 * kernels. DJL has no switch for it, so this calls {@code at::globalContext().setUserEnabledMkldnn(false)}
 * (and NNPACK's, which ATen would try first) in the loaded {@code libtorch_cpu.so} through JNA.
 *
 * <p>Why: oneDNN's AVX-512 convolution on channel-padded blocked formats returned NaN for finite
 * spikes and finite weights now and then (one kernel tap read as NaN; allocator- and
 * ISA-dependent; docs/training.md#divergence). oneDNN trains about 1.6 times faster here, so it
 * stays on until a training diverges; the trainer then turns it off for the process and trains
 * the epoch again. {@code -Dautost.onednn=false} turns it off from the start (the test suites
 * do, so that their trainings compare bit for bit).
 */
public final class OneDnn {
    private static boolean disabled;

    private OneDnn() {}

    /** Turns oneDNN off at the first model when {@code -Dautost.onednn=false}; otherwise nothing. */
    public static synchronized void applySetting() {
        if (!Boolean.parseBoolean(System.getProperty("autost.onednn", "true"))) {
            disable();
        }
    }

    /** Whether this process turned oneDNN off. */
    public static synchronized boolean disabled() {
        return disabled;
    }

    /**
     * Turns oneDNN off for the whole process (idempotent), after the engine has loaded libtorch.
     *
     * @return true if this call turned it off; false if it was off already or libtorch_cpu is not found
     */
    public static synchronized boolean disable() {
        if (disabled) {
            return false;
        }
        Optional<Path> lib = loadedLibTorchCpu();
        if (lib.isEmpty()) {
            return false;
        }
        NativeLibrary torch = NativeLibrary.getInstance(lib.get().toString());
        Pointer context = torch.getFunction("_ZN2at13globalContextEv").invokePointer(new Object[0]);
        Function set = torch.getFunction("_ZN2at7Context20setUserEnabledMkldnnEb");
        set.invokeVoid(new Object[] {context, Boolean.FALSE});
        // ATen then tries NNPACK first, which this hardware lacks: libtorch warned on every
        // convolution ("Could not initialize NNPACK! Reason: Unsupported hardware").
        torch.getFunction("_ZN2at7Context20setUserEnabledNNPACKEb").invokeVoid(new Object[] {context, Boolean.FALSE});
        disabled = torch.getFunction("_ZNK2at7Context17userEnabledMkldnnEv").invokeInt(new Object[] {context}) == 0;
        return disabled;
    }

    /** The libtorch_cpu.so this process has mapped (DJL loads it from its cache folder). */
    static Optional<Path> loadedLibTorchCpu() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/maps"))) {
                int i = line.indexOf('/');
                if (i >= 0 && line.endsWith("/libtorch_cpu.so")) {
                    return Optional.of(Path.of(line.substring(i)));
                }
            }
        } catch (IOException | RuntimeException e) {
            // Not Linux, or no procfs: leave oneDNN as it is.
        }
        return Optional.empty();
    }
}
