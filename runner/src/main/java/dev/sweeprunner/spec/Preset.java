package dev.sweeprunner.spec;

import java.util.List;
import java.util.Locale;

/**
 * Named networks of the reference studies (docs/reference-studies.md), layer for layer. Each
 * count in the comment is the trainable-parameter count a test asserts.
 */
public enum Preset implements Choice {
    /** Study B, 94,410: three conv-BN-ReLU-pool blocks (32, 64, 128), global average pool, dropout 0.25. */
    COMPACT_CNN(List.of(
            convBlock(32, 3, 1, true, 2), convBlock(64, 3, 1, true, 2), convBlock(128, 3, 1, true, 2),
            List.of(new Layer.GlobalAvgPool(), new Layer.Dropout(0.25)))),
    /** Study C, 496,138: conv 5x5 (32, pad 2), pool, conv 5x5 (64), pool, 1600-256-128-10, dropout 0.5 after 256. */
    LENET5(List.of(
            convBlock(32, 5, 2, false, 2), convBlock(64, 5, 0, false, 2),
            List.of(new Layer.Flatten()), dense(256, 0.5), dense(128, 0))),
    /** Study C, 235,146: 784-256-128-10, no dropout, no BatchNorm. */
    MLP_256_128(List.of(List.of(new Layer.Flatten()), dense(256, 0), dense(128, 0))),
    /** Study D, 567,434: 784-512-256-128-10 with dropout 0.3 after every hidden layer. */
    MLP_512_256_128(List.of(List.of(new Layer.Flatten()), dense(512, 0.3), dense(256, 0.3), dense(128, 0.3))),
    /**
     * Study E model 1, 1,199,882: PyTorch's MNIST example. Conv 3x3 (32), conv 3x3 (64), pool,
     * dropout 0.25, 9216-128-10 with dropout 0.5.
     */
    MNIST_CNN(List.of(
            convBlock(32, 3, 0, false, 1), convBlock(64, 3, 0, false, 2),
            List.of(new Layer.Dropout(0.25), new Layer.Flatten()), dense(128, 0.5))),
    /**
     * Study E model 2, 305,130: three stages of two conv 3x3 (pad 1) + BN + ReLU blocks (32, 64,
     * 128), pool after stages 1 and 2, dropout 0.05/0.10/0.15 per stage, global average pool,
     * classifier 128-128-10 with dropout 0.2. The study does not state the hidden width; 128 is
     * our reading (the study's own suggestion).
     */
    DEEP_CNN(List.of(
            convBlock(32, 3, 1, true, 1), convBlock(32, 3, 1, true, 2), List.of(new Layer.Dropout(0.05)),
            convBlock(64, 3, 1, true, 1), convBlock(64, 3, 1, true, 2), List.of(new Layer.Dropout(0.10)),
            convBlock(128, 3, 1, true, 1), convBlock(128, 3, 1, true, 1), List.of(new Layer.Dropout(0.15)),
            List.of(new Layer.GlobalAvgPool()), dense(128, 0.2)));

    private final List<Layer> layers;

    /** The family follows from the layers (see {@link Family#describes}), as for any explicit network. */
    Preset(List<List<Layer>> blocks) {
        this.layers = blocks.stream().flatMap(List::stream).toList();
    }

    /** Every layer but the output Linear(10). */
    public List<Layer> layers() {
        return layers;
    }

    @Override
    public String yamlName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    private static List<Layer> convBlock(int channels, int kernel, int padding, boolean batchNorm, int pool) {
        return Layer.convBlock(new Layer.Conv(channels, kernel, padding), batchNorm, pool, 0);
    }

    private static List<Layer> dense(int units, double dropout) {
        return Layer.denseBlock(units, false, dropout);
    }
}
