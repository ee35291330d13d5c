package dev.sweeprunner.plan;

import dev.sweeprunner.spec.DatasetShape;
import java.util.List;

/**
 * The block widths of a stacked network (hidden-layer widths for an FCN, conv channels per block
 * for a CNN). {@link #paramCount()} is the exact number of trainable parameters DJL will report,
 * in closed form so that {@link Sizing} can search widths quickly.
 */
public record NetShape(StackedFamily family, List<Integer> widths, boolean batchNorm) {

    public NetShape {
        widths = List.copyOf(widths);
    }

    /** The layers this shape stands for, as its family lays them out, then the output Linear(10). */
    public Network toNetwork(double dropout) {
        return Network.of(family.layers(widths, batchNorm, dropout), describe());
    }

    public long paramCount() {
        long count = 0;
        long in = family.inputWidth();
        for (int width : widths) {
            count += layerParams(in, width);
            in = width;
        }
        return count + in * DatasetShape.CLASSES + DatasetShape.CLASSES;
    }

    /** Weights and bias of one hidden layer, plus BatchNorm's scale and shift when enabled. */
    long layerParams(long in, long out) {
        return in * out * family.kernelArea() + out + (batchNorm ? 2 * out : 0);
    }

    /** "784-110-96-10" for an FCN, "1-32-64-128-gap-10" for a CNN. */
    public String describe() {
        return family.describe(widths);
    }
}
