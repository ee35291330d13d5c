package dev.sweeprunner.train;

import dev.sweeprunner.spec.DatasetShape;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.pooling.Pool;
import dev.sweeprunner.plan.NetShape;
import dev.sweeprunner.plan.Network;
import dev.sweeprunner.plan.TrialConfig;
import dev.sweeprunner.spec.InitKind;
import dev.sweeprunner.spec.Layer;
import java.util.List;

/**
 * Builds the DJL block of a {@link Network}, layer for layer, then the output Linear(10). Hidden
 * conv and dense layers get the trial's {@code init}, the output layer {@code output_init}. The
 * trainable count equals {@link Network#paramCount()} (checked at the start of every trial).
 */
public final class ModelFactory {
    /** Every model reads a batch as (N, 1, 28, 28); a flatten layer turns it into vectors. */
    public static final Shape INPUT_SHAPE = new Shape(1, 1, DatasetShape.IMAGE_SIDE, DatasetShape.IMAGE_SIDE);

    private ModelFactory() {}

    /** {@code pools}: the memory layout max-pools read; the numbers computed do not depend on it. */
    public static Block build(Network network, TrialConfig config, PoolLayout pools) {
        SequentialBlock net = new SequentialBlock();
        List<Layer> layers = network.layers();
        for (int i = 0; i < layers.size(); i++) {
            Layer layer = layers.get(i);
            if (layer instanceof Layer.Conv conv) {
                net.add(initialised(Conv2d.builder().setKernelShape(new Shape(conv.kernel(), conv.kernel()))
                        .optPadding(new Shape(conv.padding(), conv.padding()))
                        .setFilters(conv.channels()).build(), config.init(), network.fanIn(i)));
            } else if (layer instanceof Layer.Dense dense) {
                net.add(initialised(Linear.builder().setUnits(dense.units()).build(), config.init(), network.fanIn(i)));
            } else if (layer instanceof Layer.BatchNorm) {
                net.add(BatchNorm.builder().build());
            } else if (layer instanceof Layer.Relu) {
                net.add(Activation.reluBlock());
            } else if (layer instanceof Layer.MaxPool pool) {
                Shape window = new Shape(pool.size(), pool.size());
                net.add(pools.maxPool(window));
            } else if (layer instanceof Layer.Dropout dropout) {
                net.add(Dropout.builder().optRate((float) dropout.rate()).build());
            } else if (layer instanceof Layer.GlobalAvgPool) {
                net.add(Pool.globalAvgPool2dBlock());
            } else if (layer instanceof Layer.Flatten) {
                net.add(Blocks.batchFlattenBlock(network.sizeAfter(i)));
            }
        }
        net.add(initialised(Linear.builder().setUnits(DatasetShape.CLASSES).build(), config.outputInit(),
                network.outputFanIn()));
        return net;
    }

    private static Block initialised(Block layer, InitKind init, long fanIn) {
        layer.setInitializer(new TorchInitializer(init), Parameter.Type.WEIGHT);
        layer.setInitializer(TorchInitializer.bias(init, fanIn), Parameter.Type.BIAS);
        return layer;
    }

    /** Trainable parameters only: BatchNorm's running mean and variance do not count. */
    public static long trainableParams(Block block) {
        return block.getParameters().values().stream()
                .filter(Parameter::requiresGradient)
                .mapToLong(p -> p.getArray().size())
                .sum();
    }
}
