package dev.sweeprunner.plan.families;

import dev.sweeprunner.plan.StackedFamily;
import dev.sweeprunner.spec.DatasetShape;
import dev.sweeprunner.spec.Layer;
import dev.sweeprunner.spec.TrialField;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Convolutional networks: [Conv 3x3 pad 1, BatchNorm?, ReLU, MaxPool 2] per block, the nominal
 * network {@code base} channels wide first and doubling per block, then global average pool and
 * Dropout?. Also the family of explicit networks with convolutions (CNN presets, conv layers).
 */
public final class Cnn implements StackedFamily {
    /** Every conv layer of a budget-sized CNN is 3x3, padding 1 (keeps the side before pooling). */
    static final int KERNEL = 3;
    /** Each block halves the side, so doubling the channels keeps the work per block about even. */
    private static final int POOL = 2;

    @Override
    public String name() {
        return "cnn";
    }

    @Override
    public String title() {
        return "CNN";
    }

    /** Matplotlib's red. */
    @Override
    public int colour() {
        return 0xd62728;
    }

    @Override
    public TrialField depthField() {
        return TrialField.CONV_BLOCKS;
    }

    @Override
    public boolean describes(List<Layer> layers) {
        return layers.stream().anyMatch(Layer.Conv.class::isInstance);
    }

    @Override
    public int inputWidth() {
        return 1;
    }

    @Override
    public int kernelArea() {
        return KERNEL * KERNEL;
    }

    @Override
    public int nominalWidth(int base, int index) {
        return base << index;
    }

    @Override
    public List<Layer> layers(List<Integer> widths, boolean batchNorm, double dropout) {
        List<Layer> layers = new ArrayList<>();
        widths.forEach(width -> layers.addAll(
                Layer.convBlock(new Layer.Conv(width, KERNEL, KERNEL / 2), batchNorm, POOL, 0)));
        layers.add(new Layer.GlobalAvgPool());
        if (dropout > 0) {
            layers.add(new Layer.Dropout(dropout));
        }
        return layers;
    }

    @Override
    public String describe(List<Integer> widths) {
        return "1-" + widths.stream().map(String::valueOf).collect(Collectors.joining("-")) + "-gap-"
                + DatasetShape.CLASSES;
    }
}
