package dev.sweeprunner.plan;

import dev.sweeprunner.spec.DatasetShape;
import dev.sweeprunner.spec.Arch;
import dev.sweeprunner.spec.Layer;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The widths of a sized network: hidden-layer widths for an FCN, conv channels per block for a
 * CNN. {@link #paramCount()} is the exact number of trainable parameters DJL will report.
 */
public record NetShape(Arch arch, List<Integer> widths, boolean batchNorm) {
    /** Every conv layer of a budget-sized CNN is 3x3, padding 1 (keeps the side before pooling). */
    public static final int CONV_KERNEL = 3;

    public NetShape {
        widths = List.copyOf(widths);
    }

    /** An FCN with the given hidden widths. */
    public static NetShape fcn(List<Integer> widths, boolean batchNorm) {
        return new NetShape(Arch.FCN, widths, batchNorm);
    }

    /**
     * The layers this shape stands for. FCN: flatten, then [Linear, BatchNorm?, ReLU, Dropout?] per
     * hidden layer. CNN: [Conv 3x3 pad 1, BatchNorm?, ReLU, MaxPool 2] per block, global average
     * pool, Dropout?. The output Linear(10) follows in both.
     */
    public Network toNetwork(double dropout) {
        List<Layer> layers = new ArrayList<>();
        if (arch == Arch.FCN) {
            layers.add(new Layer.Flatten());
            widths.forEach(width -> layers.addAll(Layer.denseBlock(width, batchNorm, dropout)));
        } else {
            int padding = CONV_KERNEL / 2;
            widths.forEach(width -> layers.addAll(
                    Layer.convBlock(new Layer.Conv(width, CONV_KERNEL, padding), batchNorm, 2, 0)));
            layers.add(new Layer.GlobalAvgPool());
            if (dropout > 0) {
                layers.add(new Layer.Dropout(dropout));
            }
        }
        return Network.of(arch, layers, describe());
    }

    /** Inputs feeding the first layer: 784 pixels (FCN) or 1 grey channel (CNN). */
    public int inputWidth() {
        return arch == Arch.FCN ? DatasetShape.PIXELS : 1;
    }

    /** Weights per input-output pair: 1 for a dense layer, 3x3 for a conv layer. */
    public int kernelArea() {
        return arch == Arch.FCN ? 1 : CONV_KERNEL * CONV_KERNEL;
    }

    public long paramCount() {
        long count = 0;
        long in = inputWidth();
        for (int width : widths) {
            count += layerParams(in, width);
            in = width;
        }
        return count + in * DatasetShape.CLASSES + DatasetShape.CLASSES;
    }

    /** Weights and bias of one hidden layer, plus BatchNorm's scale and shift when enabled. */
    long layerParams(long in, long out) {
        return in * out * kernelArea() + out + (batchNorm ? 2 * out : 0);
    }

    /** "784-110-96-10" for an FCN, "1-32-64-128-gap-10" for a CNN. */
    public String describe() {
        String middle = widths.stream().map(String::valueOf).collect(Collectors.joining("-"));
        return inputWidth() + "-" + middle + (arch == Arch.CNN ? "-gap" : "") + "-" + DatasetShape.CLASSES;
    }
}
