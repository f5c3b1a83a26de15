package dev.autost.models.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.ParameterStore;

/**
 * Base of the model's blocks. Every parameter is declared with its full shape up front,
 * so a block needs no shape inference, its parameter count is known before any
 * array exists, and initialisation does not depend on a sample input.
 *
 * <p>Layers are plain functions over registered parameters ({@link Conv3x3},
 * {@link Dense}, {@link Norm}) rather than DJL child blocks: parameter names then read
 * like the cost model's modules ({@code q_linear.weight}) and there is no per-layer
 * block dispatch in the forward pass.
 */
abstract class SpikingModule extends AbstractBlock {
    private static final byte VERSION = 1;

    /** DJL BatchNorm momentum 0.9 = PyTorch's momentum 0.1 (weight of the running value). */
    static final float BN_MOMENTUM = 0.9f;

    static final float BN_EPSILON = 1e-5f;

    SpikingModule() {
        super(VERSION);
    }

    final Parameter param(String name, Parameter.Type type, Shape shape, boolean trainable) {
        return addParameter(Parameter.builder()
                .setName(name)
                .setType(type)
                .optShape(shape)
                .optRequiresGrad(trainable)
                .build());
    }

    final <B extends Block> B child(String name, B block) {
        return addChildBlock(name, block);
    }

    static NDArray forward(Block block, ParameterStore ps, NDArray x, boolean training) {
        return block.forward(ps, new NDList(x), training).singletonOrThrow();
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        // Parameters carry explicit shapes; children need no input shape.
        for (Block c : children.values()) {
            c.initialize(manager, dataType, inputShapes);
        }
    }

    /** Conv3x3, stride 1, padding 1, no bias (the SPS stem's convolutions). */
    static final class Conv3x3 {
        private static final Shape KERNEL_STRIDE = new Shape(1, 1);
        private static final Shape PAD = new Shape(1, 1);
        private final Parameter weight;

        Conv3x3(SpikingModule owner, String name, long in, long out) {
            weight = owner.param(name + ".weight", Parameter.Type.WEIGHT, new Shape(out, in, 3, 3), true);
        }

        NDArray apply(ParameterStore ps, NDArray x, boolean training) {
            NDArray w = ps.getValue(weight, x.getDevice(), training);
            return Conv2d.conv2d(x, w, null, KERNEL_STRIDE, PAD).singletonOrThrow();
        }
    }

    /** Linear with bias over the last axis. */
    static final class Dense {
        private final Parameter weight;
        private final Parameter bias;

        Dense(SpikingModule owner, String name, long in, long out) {
            weight = owner.param(name + ".weight", Parameter.Type.WEIGHT, new Shape(out, in), true);
            bias = owner.param(name + ".bias", Parameter.Type.BIAS, new Shape(out), true);
        }

        NDArray apply(ParameterStore ps, NDArray x, boolean training) {
            return Linear.linear(
                            x, ps.getValue(weight, x.getDevice(), training), ps.getValue(bias, x.getDevice(), training))
                    .singletonOrThrow();
        }
    }

    /**
     * BatchNorm over axis 1 (channels of an image tensor, or features of a
     * {@code (T*B*N, C)} token matrix, which equals PyTorch's BatchNorm1d over
     * {@code (T*B, C, N)}). Running statistics are saved but not trained.
     */
    static final class Norm {
        private final Parameter gamma;
        private final Parameter beta;
        private final Parameter runningMean;
        private final Parameter runningVar;

        Norm(SpikingModule owner, String name, long channels) {
            Shape s = new Shape(channels);
            gamma = owner.param(name + ".gamma", Parameter.Type.GAMMA, s, true);
            beta = owner.param(name + ".beta", Parameter.Type.BETA, s, true);
            runningMean = owner.param(name + ".running_mean", Parameter.Type.RUNNING_MEAN, s, false);
            runningVar = owner.param(name + ".running_var", Parameter.Type.RUNNING_VAR, s, false);
        }

        NDArray apply(ParameterStore ps, NDArray x, boolean training) {
            var d = x.getDevice();
            return BatchNorm.batchNorm(
                            x,
                            ps.getValue(runningMean, d, training),
                            ps.getValue(runningVar, d, training),
                            ps.getValue(gamma, d, training),
                            ps.getValue(beta, d, training),
                            1,
                            BN_MOMENTUM,
                            BN_EPSILON,
                            training)
                    .singletonOrThrow();
        }
    }
}
