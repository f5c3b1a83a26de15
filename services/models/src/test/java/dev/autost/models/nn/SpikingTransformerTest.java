package dev.autost.models.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import dev.autost.domain.cost.CostModel;
import dev.autost.domain.cost.NetworkModule;
import dev.autost.domain.genome.Genome;
import dev.autost.domain.model.Backbone;
import dev.autost.domain.model.ModelSetting;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class SpikingTransformerTest {
    /** Fashion-MNIST geometry: 28x28x1, patch 4 -> 7x7 tokens, 10 classes, T = 4. */
    static final ModelSetting FASHION = new ModelSetting(Backbone.AUTOST, 28, 1, 4, 10, 4, 32);
    /** CIFAR-100 geometry: 32x32x3, patch 4 -> 8x8 tokens. */
    static final ModelSetting CIFAR100 = ModelSetting.OFFICIAL;

    private static Genome randomGenome(Random rnd) {
        int[] dims = {16, 24, 32, 48, 64, 96};
        int d = dims[rnd.nextInt(dims.length)];
        int depth = 1 + rnd.nextInt(4);
        double[] ratios = {1, 2, 3, 3.5, 4, 4.7, 5, 6};
        int[] heads = {1, 2, 4, 8};
        List<Double> r = new ArrayList<>();
        List<Integer> h = new ArrayList<>();
        for (int i = 0; i < depth; i++) {
            r.add(ratios[rnd.nextInt(ratios.length)]);
            int hh;
            do {
                hh = heads[rnd.nextInt(heads.length)];
            } while (d % hh != 0);
            h.add(hh);
        }
        return new Genome(depth, r, h, d, rnd.nextInt(3) == 0 ? 1 + rnd.nextInt(4) : 0);
    }

    @Test
    void trainableParameterCount_randomGenomes_equalsCostModelParams() {
        Random rnd = new Random(7);
        List<ModelSetting> settings = new ArrayList<>();
        for (Backbone b : Backbone.values()) {
            settings.add(FASHION.withBackbone(b));
            settings.add(CIFAR100.withBackbone(b));
            settings.add(CIFAR100.withBackbone(b).withClasses(10).withPatchSize(2));
            settings.add(FASHION.withBackbone(b).withPatchSize(16).withImage(64, 2));
        }
        for (int i = 0; i < 400; i++) {
            ModelSetting s = settings.get(i % settings.size());
            Genome g = randomGenome(rnd);
            SpikingTransformer model = SpikingTransformer.build(g, s);
            assertEquals(new CostModel(s).params(g), model.trainableParameterCount(), g + " on " + s);
        }
    }

    @Test
    void trainableParameterCount_publishedSpikformer_matches() {
        ModelSetting cifar10 = CIFAR100.withBackbone(Backbone.SPIKFORMER).withClasses(10);
        assertEquals(
                9_324_730,
                SpikingTransformer.build(Genome.uniform(4, 4, 12, 384), cifar10).trainableParameterCount());
    }

    @Test
    void initialize_smallGenomes_arraysMatchDeclaredCount() {
        Random rnd = new Random(11);
        try (NDManager manager = NDManager.newBaseManager()) {
            for (Backbone b : Backbone.values()) {
                for (int i = 0; i < 3; i++) {
                    Genome g = randomGenome(rnd);
                    SpikingTransformer model = SpikingTransformer.build(g, FASHION.withBackbone(b));
                    model.initialize(manager, DataType.FLOAT32, model.inputShape(2));
                    long n = 0;
                    for (Parameter p : model.getParameters().values()) {
                        if (p.requiresGradient()) {
                            n += p.getArray().size();
                        }
                    }
                    assertEquals(new CostModel(FASHION.withBackbone(b)).params(g), n);
                }
            }
        }
    }

    @Test
    void neurons_bothBackbones_namesAreCostModelModules() {
        Set<String> known = new TreeSet<>();
        for (NetworkModule m : NetworkModule.values()) {
            for (int block = 0; block < 2; block++) {
                known.add(m.qualifiedName(block));
            }
        }
        for (Backbone b : Backbone.values()) {
            SpikingTransformer model = SpikingTransformer.build(Genome.uniform(2, 4, 2, 16), FASHION.withBackbone(b));
            for (String name : model.neurons().keySet()) {
                assertTrue(known.contains(name), b + ": " + name + " is not a cost-model module");
            }
            // stem 3 (autost) or 5 (spikformer), 7 per block in both
            assertEquals(
                    b == Backbone.AUTOST ? 3 + 2 * 7 : 5 + 2 * 7,
                    model.neurons().size());
        }
    }

    @Test
    void forward_bothGeometries_logitsShapeAndFiringRates() {
        try (NDManager manager = NDManager.newBaseManager()) {
            for (ModelSetting s : List.of(FASHION, CIFAR100.withBackbone(Backbone.SPIKFORMER))) {
                SpikingTransformer model = SpikingTransformer.build(Genome.uniform(1, 2, 2, 16), s);
                model.initialize(manager, DataType.FLOAT32, model.inputShape(3));
                NDArray x = manager.randomNormal(model.inputShape(3));
                model.startRecording();
                NDArray y = model.forward(new ParameterStore(manager, false), new NDList(x), false)
                        .singletonOrThrow();
                var rates = model.stopRecording();
                assertArrayEquals(new long[] {3, s.classes()}, y.getShape().getShape());
                assertEquals(model.neurons().keySet(), rates.keySet());
                rates.values().forEach(r -> assertTrue(r >= 0 && r <= 1));
            }
        }
    }

    @Test
    void saveParameters_roundTrip_sameOutputs() throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            Genome g = Genome.uniform(1, 3, 2, 16);
            SpikingTransformer a = SpikingTransformer.build(g, FASHION);
            a.initialize(manager, DataType.FLOAT32, a.inputShape(2));
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            a.saveParameters(new DataOutputStream(bytes));
            SpikingTransformer b = SpikingTransformer.build(g, FASHION);
            b.loadParameters(manager, new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
            NDArray x = manager.randomNormal(a.inputShape(2));
            ParameterStore ps = new ParameterStore(manager, false);
            assertArrayEquals(
                    a.forward(ps, new NDList(x), false).singletonOrThrow().toFloatArray(),
                    b.forward(ps, new NDList(x), false).singletonOrThrow().toFloatArray());
        }
    }
}
