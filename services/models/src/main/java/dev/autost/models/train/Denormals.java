package dev.autost.models.train;

import com.sun.jna.Library;
import com.sun.jna.Native;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Locale;

/**
 * Flushes denormal floats to zero on the calling thread: sets the FTZ and DAZ bits of the x86-64
 * MXCSR register through glibc's {@code fegetenv}/{@code fesetenv}, what PyTorch's
 * {@code torch.set_flush_denormal(True)} does; DJL has no switch for it. Membrane potentials that
 * decay towards zero otherwise produce denormals, and arithmetic on denormals is many times
 * slower on x86 CPUs.
 *
 * <p>The register is per thread: call it on the thread that runs the model (with one intra-op
 * thread, as here, every libtorch op runs there) and restore the previous value when done,
 * because Java's own float arithmetic on that thread flushes too. Other platforms: no-op.
 */
public final class Denormals {
    /** MXCSR bits: flush-to-zero (results) and denormals-are-zero (inputs). */
    static final int FTZ = 1 << 15;

    static final int DAZ = 1 << 6;
    /** glibc's x86-64 {@code fenv_t}: 32 bytes, the MXCSR word last. */
    private static final int FENV_BYTES = 32;

    private static final int MXCSR_OFFSET = 28;

    interface LibM extends Library {
        int fegetenv(byte[] env);

        int fesetenv(byte[] env);
    }

    private static final LibM LIBM = load();

    private Denormals() {}

    private static LibM load() {
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        if (!os.contains("linux") || !(arch.equals("amd64") || arch.equals("x86_64"))) {
            return null;
        }
        try {
            return Native.load("libm.so.6", LibM.class);
        } catch (UnsatisfiedLinkError e) {
            return null;
        }
    }

    /** True where the switch exists (Linux on x86-64 with glibc). */
    public static boolean supported() {
        return LIBM != null;
    }

    /** The calling thread's MXCSR, or -1 where unsupported. */
    public static int mxcsr() {
        if (LIBM == null) {
            return -1;
        }
        byte[] env = new byte[FENV_BYTES];
        if (LIBM.fegetenv(env) != 0) {
            throw new IllegalStateException("fegetenv failed");
        }
        return ByteBuffer.wrap(env).order(ByteOrder.LITTLE_ENDIAN).getInt(MXCSR_OFFSET);
    }

    /**
     * Turns on flush-to-zero and denormals-are-zero on this thread.
     *
     * @return the previous MXCSR, for {@link #restore}; -1 where unsupported
     */
    public static int flushOnThisThread() {
        int before = mxcsr();
        if (before != -1) {
            set(before | FTZ | DAZ);
        }
        return before;
    }

    /** Puts back an MXCSR returned by {@link #flushOnThisThread()}. */
    public static void restore(int mxcsr) {
        if (mxcsr != -1 && LIBM != null) {
            set(mxcsr);
        }
    }

    private static void set(int mxcsr) {
        byte[] env = new byte[FENV_BYTES];
        if (LIBM.fegetenv(env) != 0) {
            throw new IllegalStateException("fegetenv failed");
        }
        ByteBuffer.wrap(env).order(ByteOrder.LITTLE_ENDIAN).putInt(MXCSR_OFFSET, mxcsr);
        if (LIBM.fesetenv(env) != 0 || mxcsr() != mxcsr) {
            throw new IllegalStateException(
                    String.format("could not set MXCSR to 0x%04x (now 0x%04x)", mxcsr, mxcsr()));
        }
    }
}
