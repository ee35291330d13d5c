package dev.sweeprunner.train;

import dev.sweeprunner.spec.DatasetShape;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.pooling.Pool;
import dev.sweeprunner.plan.Network;
import dev.sweeprunner.plan.TrialConfig;
import dev.sweeprunner.spec.InitKind;
import dev.sweeprunner.spec.Layer;
import dev.sweeprunner.spec.Precision;
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
        Network.Features out = add(net, network.layers(), Network.Features.INPUT, config, pools);
        net.add(initialised(Linear.builder().setUnits(DatasetShape.CLASSES).build(), config.outputInit(), out.size()));
        return net;
    }

    /** Appends the blocks of {@code layers} fed with {@code in}; returns the features they give. */
    private static Network.Features add(SequentialBlock net, List<Layer> layers, Network.Features in,
            TrialConfig config, PoolLayout pools) {
        Network.Features features = in;
        for (Layer layer : layers) {
            net.add(block(layer, features, config, pools));
            features = Network.after(features, layer);
        }
        return features;
    }

    private static Block block(Layer layer, Network.Features in, TrialConfig config, PoolLayout pools) {
        if (layer instanceof Layer.Conv conv) {
            Block block = initialised(Conv2d.builder().setKernelShape(new Shape(conv.kernel(), conv.kernel()))
                    .optPadding(new Shape(conv.padding(), conv.padding()))
                    .setFilters(conv.channels()).build(), config.init(), in.channels() * conv.kernel() * conv.kernel());
            return bf16(config) && in.channels() > 1 && conv.channels() % 2 == 1 ? new Fp32Block(block) : block;
        }
        if (layer instanceof Layer.Dense dense) {
            return initialised(Linear.builder().setUnits(dense.units()).build(), config.init(), in.size());
        }
        if (layer instanceof Layer.BatchNorm) {
            return BatchNorm.builder().build();
        }
        if (layer instanceof Layer.Relu) {
            return Activation.reluBlock();
        }
        if (layer instanceof Layer.MaxPool pool) {
            return pools.maxPool(new Shape(pool.size(), pool.size()));
        }
        if (layer instanceof Layer.Dropout dropout) {
            return Dropout.builder().optRate((float) dropout.rate()).build();
        }
        if (layer instanceof Layer.GlobalAvgPool) {
            return Pool.globalAvgPool2dBlock();
        }
        if (layer instanceof Layer.Flatten) {
            return Blocks.batchFlattenBlock(in.size());
        }
        if (layer instanceof Layer.Residual residual) {
            return new ParallelBlock(ModelFactory::sum, List.of(
                    branch(residual.body(), in, config, pools), branch(residual.shortcut(), in, config, pools)));
        }
        throw new IllegalStateException("no DJL block for " + layer.canonical());
    }

    /**
     * Mixed precision runs one kind of block in fp32 ({@link Fp32Block}): a convolution with an odd
     * number of output channels fed by more than one channel. libtorch 2.7.1's bfloat16 kernels
     * give wrong, run-to-run different results for it on the CPU: table1's 100k CNN (33-66-131
     * channels) trained to NaN within 50-400 batches or to a different loss on every run, and so
     * did 1-16-33, while 16-34, 17-34, 16-36, 16-40, 16-48 and 32-64-128 were bit-identical run
     * after run (a first convolution, fed by the grey-scale image, is fine with 17 or 33). With
     * this rule 33-66-131, 66-131 and 16-33 are bit-identical over three runs, BatchNorm (in
     * bfloat16, over 33, 61, 109 or 131 channels) included, as are dense networks with odd widths
     * (784-58-61-10, 784-110-109-10).
     */
    private static boolean bf16(TrialConfig config) {
        return config.precision() == Precision.BF16;
    }

    /** A residual branch; an empty one is the identity. */
    private static Block branch(List<Layer> layers, Network.Features in, TrialConfig config, PoolLayout pools) {
        if (layers.isEmpty()) {
            return Blocks.identityBlock();
        }
        SequentialBlock branch = new SequentialBlock();
        add(branch, layers, in, config, pools);
        return branch;
    }

    /** The residual sum: body output plus shortcut output, element by element. */
    private static NDList sum(List<NDList> branches) {
        NDArray total = branches.get(0).singletonOrThrow();
        for (int i = 1; i < branches.size(); i++) {
            total = total.add(branches.get(i).singletonOrThrow());
        }
        return new NDList(total);
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
