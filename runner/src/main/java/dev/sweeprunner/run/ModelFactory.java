package dev.sweeprunner.run;

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
import dev.sweeprunner.plan.TrialConfig;
import dev.sweeprunner.spec.Arch;

/**
 * Builds the DJL block for a sized network. FCN: flatten, [Linear, BatchNorm?, ReLU, Dropout] per
 * hidden layer, Linear(10). CNN: [Conv 3x3 pad 1, BatchNorm?, ReLU, MaxPool 2] per block, global
 * average pool, Dropout, Linear(10). Parameter counts match {@link NetShape#paramCount()}.
 */
public final class ModelFactory {
    /** Every model reads a batch as (N, 1, 28, 28); the FCN flattens it first. */
    public static final Shape INPUT_SHAPE = new Shape(1, 1, NetShape.IMAGE_SIDE, NetShape.IMAGE_SIDE);
    private static final Shape POOL = new Shape(2, 2);

    private ModelFactory() {}

    public static Block build(NetShape shape, TrialConfig config) {
        SequentialBlock net = new SequentialBlock();
        long in = shape.inputWidth();
        if (shape.arch() == Arch.FCN) {
            net.add(Blocks.batchFlattenBlock(NetShape.PIXELS));
        }
        for (int width : shape.widths()) {
            if (shape.arch() == Arch.FCN) {
                net.add(initialised(Linear.builder().setUnits(width).build(), config, in));
            } else {
                long fanIn = in * shape.kernelArea();
                net.add(initialised(Conv2d.builder()
                        .setKernelShape(new Shape(NetShape.CONV_KERNEL, NetShape.CONV_KERNEL))
                        .optPadding(new Shape(NetShape.CONV_KERNEL / 2, NetShape.CONV_KERNEL / 2))
                        .setFilters(width).build(), config, fanIn));
            }
            if (shape.batchNorm()) {
                net.add(BatchNorm.builder().build());
            }
            net.add(Activation.reluBlock());
            if (shape.arch() == Arch.FCN) {
                addDropout(net, config.dropout());
            } else {
                net.add(Pool.maxPool2dBlock(POOL, POOL));
            }
            in = width;
        }
        if (shape.arch() == Arch.CNN) {
            net.add(Pool.globalAvgPool2dBlock());
            addDropout(net, config.dropout());
        }
        net.add(initialised(Linear.builder().setUnits(NetShape.CLASSES).build(), config, in));
        return net;
    }

    private static Block initialised(Block layer, TrialConfig config, long fanIn) {
        layer.setInitializer(new TorchInitializer(config.init()), Parameter.Type.WEIGHT);
        layer.setInitializer(TorchInitializer.bias(config.init(), fanIn), Parameter.Type.BIAS);
        return layer;
    }

    private static void addDropout(SequentialBlock net, double rate) {
        if (rate > 0) {
            net.add(Dropout.builder().optRate((float) rate).build());
        }
    }

    /** Trainable parameters only: BatchNorm's running mean and variance do not count. */
    public static long trainableParams(Block block) {
        return block.getParameters().values().stream()
                .filter(Parameter::requiresGradient)
                .mapToLong(p -> p.getArray().size())
                .sum();
    }
}
