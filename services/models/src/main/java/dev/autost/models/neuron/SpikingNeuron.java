package dev.autost.models.neuron;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.ConstantInitializer;
import ai.djl.util.PairList;
import dev.autost.models.memory.Scoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Multi-step leaky integrate-and-fire neuron (LIF or PLIF), decay_input form, hard reset.
 *
 * <p>The input holds T time steps folded into the batch, time-major: shape
 * {@code (T*B, ...)}, rows {@code [t*B, (t+1)*B)} belong to step t. Per step:
 * <pre>
 *   V   = V + (X_t - V) * k          k = 1/tau (0.5 for LIF, sigmoid(w) for PLIF)
 *   S_t = H(V - v_th)                exactly 0 or 1 in the forward pass
 *   V   = V * (1 - S_t)              hard reset to 0, the spike detached
 * </pre>
 * Backward: straight-through {@code S = g + stopGradient(H - g)} with
 * {@code g = sigmoid(alpha (V - v_th))}, alpha = 4, so dS/dV = alpha g (1 - g) (1.0 at
 * V = v_th). The membrane starts at 0 in every forward call: the state is reset per
 * batch by construction.
 *
 * <p>Denormals: {@code alpha (V - v_th)} is clipped to [-{@value #SURROGATE_CLIP},
 * {@value #SURROGATE_CLIP}] before the sigmoid. Outside that range the surrogate
 * derivative is below 1e-8 and is set to exactly 0 instead of decaying into subnormal
 * floats; training additionally flushes denormals on its thread
 * ({@link dev.autost.models.train.Denormals}).
 *
 * <p>Scalars that gradients flow through are native arrays ({@code manager.full}), never
 * {@code NDArray.mul(Number)}: libtorch keeps the Java-side scalar buffer for backward
 * without copying it, and a GC before backward turns every gradient into NaN.
 *
 * <p>Not thread-safe: the firing-rate meter is plain mutable state.
 */
public final class SpikingNeuron extends AbstractBlock {
    /** Surrogate sharpness alpha of sigmoid(alpha x). */
    public static final float ALPHA = 4f;
    /** Time constant of LIF and initial time constant of PLIF. */
    public static final float TAU = 2f;
    /** |alpha (V - v_th)| beyond which the surrogate gradient is exactly 0 (sigmoid' < 1e-8). */
    static final float SURROGATE_CLIP = 20f;

    private static final byte VERSION = 1;

    private final String name;
    private final NeuronKind kind;
    private final float threshold;
    private final int timeSteps;
    private final Parameter w;

    private boolean recording;
    private double spikeSum;
    private long elementCount;
    private SpikeObserver observer;

    private SpikingNeuron(Builder b) {
        super(VERSION);
        this.name = b.name;
        this.kind = b.kind;
        this.threshold = b.threshold;
        this.timeSteps = b.timeSteps;
        if (kind == NeuronKind.PLIF) {
            // sigmoid(0) = 1/2, so tau = 2 at initialisation.
            w = addParameter(Parameter.builder()
                    .setName("w")
                    .setType(Parameter.Type.OTHER)
                    .optShape(new Shape(1))
                    .optInitializer(new ConstantInitializer(0f))
                    .build());
        } else {
            w = null;
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Qualified name, identical to the cost model's {@code NetworkModule.qualifiedName} (e.g. {@code blocks.0.attn.q_lif}). */
    public String name() {
        return name;
    }

    public NeuronKind kind() {
        return kind;
    }

    public float threshold() {
        return threshold;
    }

    public int timeSteps() {
        return timeSteps;
    }

    /** Starts (and clears) the firing-rate meter: every later forward call adds its spikes. */
    public void startRecording() {
        recording = true;
        spikeSum = 0;
        elementCount = 0;
    }

    public void stopRecording() {
        recording = false;
    }

    /** Hands every later forward call's spikes to {@code observer} (null: to nobody). */
    public void observe(SpikeObserver observer) {
        this.observer = observer;
    }

    /** Mean of the spikes emitted since {@link #startRecording()}, or NaN if none were. */
    public double firingRate() {
        return elementCount == 0 ? Double.NaN : spikeSum / elementCount;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        Shape shape = x.getShape();
        if (shape.get(0) % timeSteps != 0) {
            throw new IllegalArgumentException(
                    name + ": leading dimension " + shape.get(0) + " is not a multiple of T = " + timeSteps);
        }
        // The T-step loop makes ~14 arrays per step; without scopes DJL keeps every one until the
        // training step's manager closes. Autograd holds what backward needs on its own, so only
        // each step's membrane and spikes outlive the step, and only the output the loop.
        NDArray out = Scoped.keep(() -> {
            NDManager m = x.getManager();
            NDArray steps = x.reshape(timeSteps, -1);
            NDArray k = kind == NeuronKind.PLIF ? plifFactor(ps, x, training) : m.full(new Shape(), 1f / TAU);
            NDArray alpha = m.full(new Shape(), ALPHA);
            NDArray one = m.full(new Shape(), 1f);
            List<NDArray> spikes = new ArrayList<>(timeSteps);
            NDArray v = null;
            for (int t = 0; t < timeSteps; t++) {
                NDList next = step(steps.get(t), v, k, alpha, one, t + 1 < timeSteps, training);
                spikes.add(next.get(0));
                v = next.size() > 1 ? next.get(1) : null;
            }
            NDArray o = NDArrays.stack(new NDList(spikes)).reshape(shape);
            if (recording) {
                spikeSum += o.sum().getFloat();
                elementCount += o.size();
            }
            return o;
        });
        if (observer != null) {
            observer.onSpikes(name, out);
        }
        return new NDList(out);
    }

    /**
     * One time step: charge, fire, reset. Returns the spikes and, unless it is the last step, the
     * reset membrane; the step's other arrays are closed. In evaluation the spikes are the
     * Heaviside step alone: the surrogate only shapes gradients, and {@code (H - g) + g} is H.
     */
    private NDList step(NDArray xt, NDArray v, NDArray k, NDArray alpha, NDArray one, boolean reset, boolean training) {
        return Scoped.keepAll(() -> {
            NDArray charged = v == null ? xt.mul(k) : v.add(xt.sub(v).mul(k));
            NDArray d = charged.sub(threshold); // sub(Number) keeps no buffer for backward
            NDArray h = d.gte(0f).toType(DataType.FLOAT32, false);
            NDArray spike = training ? surrogate(d, h, alpha) : h;
            return reset ? new NDList(spike, charged.mul(one.sub(h))) : new NDList(spike);
        });
    }

    /** {@code H} forward, the derivative of {@code sigmoid(alpha d)} backward. */
    private static NDArray surrogate(NDArray d, NDArray h, NDArray alpha) {
        NDArray g = d.mul(alpha)
                .clip(-SURROGATE_CLIP, SURROGATE_CLIP)
                .getNDArrayInternal()
                .sigmoid();
        return h.sub(g).stopGradient().add(g);
    }

    /** sigmoid(w), moved to the input's (per-step) manager so it is freed with the step. */
    private NDArray plifFactor(ParameterStore ps, NDArray x, boolean training) {
        NDArray k = ps.getValue(w, x.getDevice(), training).getNDArrayInternal().sigmoid();
        k.attach(x.getManager());
        return k;
    }

    /**
     * The spike function alone, for tests and analysis: {@code H(v - vth)} forward,
     * derivative of {@code sigmoid(alpha (v - vth))} backward.
     */
    public static NDArray spike(NDArray v, float vth) {
        NDArray alpha = v.getManager().full(new Shape(), ALPHA);
        NDArray d = v.sub(vth);
        return surrogate(d, d.gte(0f).toType(DataType.FLOAT32, false), alpha);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return inputShapes;
    }

    @Override
    public String toString() {
        return name + "(" + kind + ", v_th=" + threshold + ", T=" + timeSteps + ")";
    }

    /** Builder: name and T are required; kind defaults to LIF, threshold to 1.0. */
    public static final class Builder {
        private String name;
        private NeuronKind kind = NeuronKind.LIF;
        private float threshold = 1f;
        private int timeSteps;

        public Builder setName(String name) {
            this.name = name;
            return this;
        }

        public Builder setTimeSteps(int timeSteps) {
            this.timeSteps = timeSteps;
            return this;
        }

        public Builder optKind(NeuronKind kind) {
            this.kind = Objects.requireNonNull(kind, "kind");
            return this;
        }

        public Builder optThreshold(float threshold) {
            this.threshold = threshold;
            return this;
        }

        public SpikingNeuron build() {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("neuron name is required");
            }
            if (timeSteps < 1) {
                throw new IllegalArgumentException("time_steps of " + name + " must be at least 1, got " + timeSteps);
            }
            if (!(threshold > 0)) {
                throw new IllegalArgumentException("threshold of " + name + " must be positive, got " + threshold);
            }
            return new SpikingNeuron(this);
        }
    }
}
