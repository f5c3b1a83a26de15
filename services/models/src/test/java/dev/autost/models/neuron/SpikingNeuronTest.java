package dev.autost.models.neuron;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SpikingNeuronTest {
    private NDManager manager;

    @BeforeEach
    void setUp() {
        manager = NDManager.newBaseManager();
    }

    @AfterEach
    void tearDown() {
        manager.close();
    }

    private NDArray run(SpikingNeuron n, NDArray x, boolean training) {
        n.initialize(manager, DataType.FLOAT32, x.getShape());
        return n.forward(new ParameterStore(manager, false), new NDList(x), training)
                .singletonOrThrow();
    }

    @Test
    void forward_constantInput_emitsBinarySpikesAndResetsHard() {
        SpikingNeuron lif =
                SpikingNeuron.builder().setName("stem.lif1").setTimeSteps(4).build();
        // V: 0.75, 1.125 -> spike, reset to 0, 0.75, 1.125 -> spike (without reset step 3 would fire too).
        NDArray x = manager.full(new Shape(4, 1), 1.5f);
        assertArrayEquals(new float[] {0, 1, 0, 1}, run(lif, x, false).toFloatArray());
    }

    private static SpikingNeuron fourSteps(NeuronKind kind) {
        return SpikingNeuron.builder()
                .setName("n")
                .setTimeSteps(4)
                .optKind(kind)
                .build();
    }

    @Test
    void forward_randomInput_spikesAreExactlyZeroOrOne() {
        for (NeuronKind kind : NeuronKind.values()) {
            SpikingNeuron n = fourSteps(kind);
            NDArray x = manager.randomNormal(0f, 2f, new Shape(4 * 8, 5, 3), DataType.FLOAT32);
            for (float s : run(n, x, true).toFloatArray()) {
                assertTrue(s == 0f || s == 1f, kind + " emitted " + s);
            }
        }
    }

    /** Evaluation skips the surrogate: it must emit exactly what training's forward pass emits. */
    @Test
    void forward_evaluation_sameSpikesAsTraining() {
        for (NeuronKind kind : NeuronKind.values()) {
            SpikingNeuron n = fourSteps(kind);
            NDArray x = manager.randomNormal(0.5f, 2f, new Shape(4 * 64, 9, 5), DataType.FLOAT32);
            assertArrayEquals(run(n, x, true).toFloatArray(), run(n, x, false).toFloatArray(), kind.toString());
        }
    }

    @Test
    void forward_attentionThreshold_firesAtHalf() {
        SpikingNeuron n = SpikingNeuron.builder()
                .setName("a")
                .setTimeSteps(1)
                .optThreshold(0.5f)
                .build();
        NDArray x = manager.create(new float[] {0.98f, 1.0f, 1.02f}, new Shape(1, 3)); // V = x / 2
        assertArrayEquals(new float[] {0, 1, 1}, run(n, x, false).toFloatArray());
    }

    @Test
    void forward_plifAtInit_matchesLif() {
        NDArray x = manager.randomNormal(1f, 1f, new Shape(4 * 3, 7), DataType.FLOAT32);
        SpikingNeuron lif = SpikingNeuron.builder().setName("l").setTimeSteps(4).build();
        SpikingNeuron plif = SpikingNeuron.builder()
                .setName("p")
                .setTimeSteps(4)
                .optKind(NeuronKind.PLIF)
                .build();
        assertArrayEquals(run(lif, x, false).toFloatArray(), run(plif, x, false).toFloatArray());
    }

    @Test
    void spike_atThreshold_surrogateGradientIsAlphaOverFour() {
        NDArray v = manager.create(new float[] {1.0f, 3.0f, -9f});
        v.setRequiresGradient(true);
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray s = SpikingNeuron.spike(v, 1.0f);
            assertArrayEquals(new float[] {1, 1, 0}, s.toFloatArray());
            gc.backward(s.sum());
        }
        float[] grad = v.getGradient().toFloatArray();
        assertEquals(1.0f, grad[0], 1e-6f); // alpha * sigmoid'(0) = 4 / 4
        double g2 = 1 / (1 + Math.exp(-8));
        assertEquals(4 * g2 * (1 - g2), grad[1], 1e-6);
        assertEquals(0f, grad[2]); // |alpha (V - v_th)| = 40 > clip: exactly 0, never subnormal
    }

    @Test
    void backward_throughNeuronAtThreshold_gradientIsSurrogateTimesOneOverTau() {
        SpikingNeuron lif = SpikingNeuron.builder().setName("l").setTimeSteps(1).build();
        NDArray x = manager.create(new float[] {2.0f}, new Shape(1, 1)); // V = x / 2 = v_th
        x.setRequiresGradient(true);
        lif.initialize(manager, DataType.FLOAT32, x.getShape());
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray s = lif.forward(new ParameterStore(manager, false), new NDList(x), true)
                    .singletonOrThrow();
            gc.backward(s.sum());
        }
        assertEquals(0.5f, x.getGradient().getFloat(), 1e-6f);
    }

    @Test
    void backward_gcBetweenForwardAndBackward_gradientsFinite() {
        SpikingNeuron plif = SpikingNeuron.builder()
                .setName("p")
                .setTimeSteps(4)
                .optKind(NeuronKind.PLIF)
                .build();
        NDArray x = manager.randomNormal(1f, 1f, new Shape(4 * 16, 32), DataType.FLOAT32);
        x.setRequiresGradient(true);
        plif.initialize(manager, DataType.FLOAT32, x.getShape());
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray s = plif.forward(new ParameterStore(manager, false), new NDList(x), true)
                    .singletonOrThrow();
            NDArray loss = s.mul(x).sum();
            for (int i = 0; i < 3; i++) {
                System.gc();
            }
            gc.backward(loss);
        }
        for (float g : x.getGradient().toFloatArray()) {
            assertTrue(Float.isFinite(g), "input gradient " + g);
        }
        float gw = plif.getParameters().get("w").getArray().getGradient().getFloat();
        assertTrue(Float.isFinite(gw) && gw != 0f, "PLIF w gradient " + gw);
    }

    @Test
    void firingRate_whileRecording_isMeanOfSpikes() {
        SpikingNeuron lif = SpikingNeuron.builder().setName("l").setTimeSteps(4).build();
        lif.startRecording();
        run(lif, manager.full(new Shape(4, 2), 1.5f), false);
        lif.stopRecording();
        assertEquals(0.5, lif.firingRate(), 1e-9);
    }

    @Test
    void forward_batchNotMultipleOfT_throws() {
        SpikingNeuron lif = SpikingNeuron.builder().setName("l").setTimeSteps(4).build();
        assertThrows(IllegalArgumentException.class, () -> run(lif, manager.zeros(new Shape(6, 2)), false));
    }

    @Test
    void build_withoutTimeSteps_throws() {
        assertThrows(
                IllegalArgumentException.class,
                () -> SpikingNeuron.builder().setName("x").build());
    }
}
