package dev.autost.models.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * AdamW (decoupled weight decay, PyTorch semantics, betas 0.9/0.999, eps 1e-8) over a
 * fixed list of trainable parameters, with its state (moments and step count) owned
 * here so that it can be checkpointed — DJL's optimisers keep theirs private.
 *
 * <p>Runs outside any gradient collector; scalars are plain numbers there because no
 * graph keeps them. Zeroes each gradient after using it (PyTorch accumulates). Weight
 * decay applies to tensors of rank >= 2 (conv and linear weights), not to biases, BN
 * affine terms or PLIF scalars, as timm's optimiser factory does.
 */
public final class AdamW implements AutoCloseable {
    static final float BETA1 = 0.9f;
    static final float BETA2 = 0.999f;
    static final float EPS = 1e-8f;

    private final List<Parameter> params;
    private final List<NDArray> m = new ArrayList<>();
    private final List<NDArray> v = new ArrayList<>();
    private final NDManager manager;
    private final float weightDecay;
    private long steps;

    public AdamW(NDManager parent, List<Parameter> trainable, float weightDecay) {
        this.params = List.copyOf(trainable);
        this.manager = parent.newSubManager();
        this.weightDecay = weightDecay;
        for (Parameter p : params) {
            m.add(manager.zeros(p.getArray().getShape()));
            v.add(manager.zeros(p.getArray().getShape()));
        }
    }

    public long steps() {
        return steps;
    }

    /** One update with learning rate {@code lr}; gradients must have been computed. */
    public void step(float lr) {
        steps++;
        double bc1 = 1 - Math.pow(BETA1, steps);
        double bc2 = 1 - Math.pow(BETA2, steps);
        float stepSize = (float) (lr / bc1);
        float invSqrtBc2 = (float) (1 / Math.sqrt(bc2));
        try (NDManager tmp = manager.newSubManager()) {
            for (int i = 0; i < params.size(); i++) {
                NDArray w = params.get(i).getArray();
                NDArray g = w.getGradient();
                g.attach(tmp);
                NDArray mi = m.get(i);
                NDArray vi = v.get(i);
                mi.tempAttach(tmp);
                vi.tempAttach(tmp);
                w.tempAttach(tmp);
                if (weightDecay > 0 && w.getShape().dimension() >= 2) {
                    w.muli(1 - lr * weightDecay);
                }
                mi.muli(BETA1).addi(g.mul(1 - BETA1));
                vi.muli(BETA2).addi(g.square().muli(1 - BETA2));
                NDArray denom = vi.sqrt().muli(invSqrtBc2).addi(EPS);
                w.subi(mi.div(denom).muli(stepSize));
                g.subi(g); // zero in place: the wrapper shares the parameter's .grad storage
            }
        }
    }

    /** The moments and step count at a point in training, copied in libtorch. */
    public record State(List<NDArray> m, List<NDArray> v, long steps) {}

    /** A copy of the state, its arrays in {@code into}. */
    public State snapshot(NDManager into) {
        List<NDArray> ms = new ArrayList<>();
        List<NDArray> vs = new ArrayList<>();
        for (int i = 0; i < params.size(); i++) {
            NDArray mc = m.get(i).duplicate();
            mc.attach(into);
            ms.add(mc);
            NDArray vc = v.get(i).duplicate();
            vc.attach(into);
            vs.add(vc);
        }
        return new State(ms, vs, steps);
    }

    /**
     * Back to {@code state}, and the gradients zeroed: a step cut short after its backward left
     * them summed (and perhaps not finite).
     */
    public void restore(State state) {
        for (int i = 0; i < params.size(); i++) {
            ArrayContents.copy(m.get(i), state.m().get(i));
            ArrayContents.copy(v.get(i), state.v().get(i));
            NDArray w = params.get(i).getArray();
            try (NDManager tmp = manager.newSubManager()) {
                NDArray g = w.getGradient();
                g.attach(tmp);
                ArrayContents.zero(g); // not g - g: that is NaN where g is not finite
            }
        }
        steps = state.steps();
    }

    public void save(DataOutputStream out) throws IOException {
        out.writeLong(steps);
        out.writeInt(params.size());
        for (int i = 0; i < params.size(); i++) {
            out.writeUTF(params.get(i).getName());
            writeFloats(out, m.get(i).toFloatArray());
            writeFloats(out, v.get(i).toFloatArray());
        }
    }

    public void load(DataInputStream in) throws IOException {
        long s = in.readLong();
        int n = in.readInt();
        if (n != params.size()) {
            throw new IOException("optimiser state has " + n + " parameters, the model " + params.size());
        }
        for (int i = 0; i < n; i++) {
            String name = in.readUTF();
            if (!name.equals(params.get(i).getName())) {
                throw new IOException("optimiser state parameter " + i + " is " + name + ", the model's "
                        + params.get(i).getName());
            }
            ArrayContents.replace(m.get(i), readFloats(in, m.get(i).size()));
            ArrayContents.replace(v.get(i), readFloats(in, v.get(i).size()));
        }
        steps = s;
    }

    private static void writeFloats(DataOutputStream out, float[] a) throws IOException {
        out.writeInt(a.length);
        for (float f : a) {
            out.writeFloat(f);
        }
    }

    private static float[] readFloats(DataInputStream in, long expected) throws IOException {
        int n = in.readInt();
        if (n != expected) {
            throw new IOException("optimiser moment has " + n + " values, expected " + expected);
        }
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = in.readFloat();
        }
        return a;
    }

    @Override
    public void close() {
        manager.close();
    }
}
