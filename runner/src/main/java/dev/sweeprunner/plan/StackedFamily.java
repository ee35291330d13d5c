package dev.sweeprunner.plan;

import dev.sweeprunner.spec.Layer;
import java.util.List;

/**
 * A family whose network is a stack of blocks of one kind, each {@code width} wide, where a
 * hidden layer's parameters are {@code in * width * kernelArea + width} (+ BatchNorm's
 * {@code 2 * width}): the shape {@link Sizing} solves for (see {@link NetShape}).
 */
public interface StackedFamily extends NetworkFamily {
    /** Inputs feeding the first block: 784 pixels for dense layers, 1 grey channel for convolutions. */
    int inputWidth();

    /** Weights per input-output pair: 1 for a dense layer, k x k for a conv layer. */
    int kernelArea();

    /** Block {@code index}'s width in the nominal network of base width {@code base}. */
    int nominalWidth(int base, int index);

    /** The layers of a network with these block widths (the output Linear(10) follows). */
    List<Layer> layers(List<Integer> widths, boolean batchNorm, double dropout);

    /** The network's label, e.g. "784-110-96-10". */
    String describe(List<Integer> widths);

    @Override
    default Network size(int depth, boolean batchNorm, double dropout, long budget) {
        return Sizing.size(this, depth, batchNorm, budget).toNetwork(dropout);
    }
}
