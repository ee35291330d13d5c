package dev.sweeprunner.plan.families;

import dev.sweeprunner.plan.StackedFamily;
import dev.sweeprunner.spec.DatasetShape;
import dev.sweeprunner.spec.Layer;
import dev.sweeprunner.spec.TrialField;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Fully connected networks: flatten, then [Linear, BatchNorm?, ReLU, Dropout?] per hidden layer,
 * all {@code base} wide in the nominal network. Also the family of explicit networks without
 * convolutions ({@code hidden:} widths, MLP presets).
 */
public final class Fcn implements StackedFamily {
    @Override
    public String name() {
        return "fcn";
    }

    @Override
    public String title() {
        return "FCN";
    }

    /** Matplotlib's first colour (blue), as in the reference study's charts. */
    @Override
    public int colour() {
        return 0x1f77b4;
    }

    @Override
    public TrialField depthField() {
        return TrialField.HIDDEN_LAYERS;
    }

    @Override
    public boolean describes(List<Layer> layers) {
        return layers.stream().noneMatch(l -> l instanceof Layer.Conv || l instanceof Layer.Residual);
    }

    @Override
    public int inputWidth() {
        return DatasetShape.PIXELS;
    }

    @Override
    public int kernelArea() {
        return 1;
    }

    @Override
    public int nominalWidth(int base, int index) {
        return base;
    }

    @Override
    public List<Layer> layers(List<Integer> widths, boolean batchNorm, double dropout) {
        List<Layer> layers = new ArrayList<>(List.of(new Layer.Flatten()));
        widths.forEach(width -> layers.addAll(Layer.denseBlock(width, batchNorm, dropout)));
        return layers;
    }

    @Override
    public String describe(List<Integer> widths) {
        return DatasetShape.PIXELS + "-" + widths.stream().map(String::valueOf).collect(Collectors.joining("-")) + "-"
                + DatasetShape.CLASSES;
    }
}
