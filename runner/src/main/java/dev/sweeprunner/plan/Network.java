package dev.sweeprunner.plan;

import dev.sweeprunner.spec.DatasetShape;
import dev.sweeprunner.spec.Arch;
import dev.sweeprunner.spec.Layer;
import java.util.ArrayList;
import java.util.List;

/**
 * The network a trial trains: its hidden layers in order, then the output Linear(10) that every
 * network ends with. Budget-sized, preset and explicit networks all become one of these, so one
 * model builder serves them all. {@link #paramCount()} is the trainable count DJL will report.
 */
public record Network(Arch family, List<Layer> layers, String label) {

    public Network {
        layers = List.copyOf(layers);
    }

    /** A layer list that does not fit 28x28 grey images; the message names the layer. */
    public static final class Invalid extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Invalid(String message) {
            super(message, null, false, false);
        }
    }

    /** The features flowing between layers: channels x side x side maps, or flat vectors (side 0). */
    private record Features(long channels, int side) {
        boolean flat() {
            return side == 0;
        }

        long size() {
            return flat() ? channels : channels * side * side;
        }
    }

    /**
     * Checks every layer against the shape reaching it and inserts the flatten PyTorch users write
     * before a dense layer (or the output) that meets conv feature maps.
     */
    public static Network of(Arch family, List<Layer> layers, String label) {
        List<Layer> complete = new ArrayList<>();
        Features features = new Features(1, DatasetShape.IMAGE_SIDE);
        for (int i = 0; i < layers.size(); i++) {
            Layer layer = layers.get(i);
            if (layer instanceof Layer.Dense && !features.flat()) {
                complete.add(new Layer.Flatten());
                features = new Features(features.size(), 0);
            }
            features = next(features, layer, i);
            complete.add(layer);
        }
        if (!features.flat()) {
            complete.add(new Layer.Flatten());
        }
        return new Network(family, complete, label);
    }

    private static Features next(Features in, Layer layer, int index) {
        String where = "layer " + (index + 1) + " (" + layer.canonical() + ")";
        if (layer instanceof Layer.Conv conv) {
            requireMaps(in, where);
            int side = in.side() + 2 * conv.padding() - conv.kernel() + 1;
            if (side < 1) {
                throw new Invalid(where + " needs a map of at least " + conv.kernel() + "x" + conv.kernel()
                        + ", gets " + in.side() + "x" + in.side() + " (with padding " + conv.padding() + ")");
            }
            return new Features(conv.channels(), side);
        }
        if (layer instanceof Layer.MaxPool pool) {
            requireMaps(in, where);
            if (in.side() < pool.size()) {
                throw new Invalid(where + " cannot pool a " + in.side() + "x" + in.side() + " map");
            }
            return new Features(in.channels(), in.side() / pool.size());
        }
        if (layer instanceof Layer.GlobalAvgPool) {
            requireMaps(in, where);
            return new Features(in.channels(), 0);
        }
        if (layer instanceof Layer.Flatten) {
            return new Features(in.size(), 0);
        }
        if (layer instanceof Layer.Dense dense) {
            return new Features(dense.units(), 0);
        }
        return in; // BatchNorm, ReLU and dropout keep the shape
    }

    private static void requireMaps(Features in, String where) {
        if (in.flat()) {
            throw new Invalid(where + " needs image maps but comes after a flatten, pool-to-vector or dense layer");
        }
    }

    public long paramCount() {
        long count = 0;
        Features features = new Features(1, DatasetShape.IMAGE_SIDE);
        for (Layer layer : layers) {
            if (layer instanceof Layer.Conv conv) {
                count += features.channels() * conv.channels() * conv.kernel() * conv.kernel() + conv.channels();
            } else if (layer instanceof Layer.Dense dense) {
                count += features.size() * dense.units() + dense.units();
            } else if (layer instanceof Layer.BatchNorm) {
                count += 2 * features.channels(); // scale and shift; running stats are not trained
            }
            features = next(features, layer, 0);
        }
        return count + features.size() * DatasetShape.CLASSES + DatasetShape.CLASSES;
    }

    /**
     * Multiply-adds of one image's forward pass through the conv and dense layers (output layer
     * included): the work that dominates training, for ordering trials by cost.
     */
    public long multiplyAdds() {
        long total = 0;
        Features features = new Features(1, DatasetShape.IMAGE_SIDE);
        for (Layer layer : layers) {
            Features out = next(features, layer, 0);
            if (layer instanceof Layer.Conv conv) {
                total += out.size() * features.channels() * conv.kernel() * conv.kernel();
            } else if (layer instanceof Layer.Dense) {
                total += features.size() * out.size();
            }
            features = out;
        }
        return total + features.size() * DatasetShape.CLASSES;
    }

    /** Values per image of the largest tensor a forward pass makes: the input or a layer's output. */
    public long largestActivation() {
        Features features = new Features(1, DatasetShape.IMAGE_SIDE);
        long largest = features.size();
        for (Layer layer : layers) {
            features = next(features, layer, 0);
            largest = Math.max(largest, features.size());
        }
        return Math.max(largest, DatasetShape.CLASSES);
    }

    /** Inputs to the output layer: what {@link #paramCount()} multiplies by 10. */
    public long outputFanIn() {
        return featuresBefore(layers.size()).size();
    }

    /** Inputs per output unit of layer {@code index}: in-channels x kernel area (conv), in-features (dense). */
    public long fanIn(int index) {
        Features in = featuresBefore(index);
        return layers.get(index) instanceof Layer.Conv conv ? in.channels() * conv.kernel() * conv.kernel() : in.size();
    }

    /** Values per image after layer {@code index} (a flatten layer's output width). */
    public long sizeAfter(int index) {
        return featuresBefore(index + 1).size();
    }

    private Features featuresBefore(int index) {
        Features features = new Features(1, DatasetShape.IMAGE_SIDE);
        for (int i = 0; i < index; i++) {
            features = next(features, layers.get(i), i);
        }
        return features;
    }

    /** Conv channels and dense units in order: the "widths" of reports and plan --json. */
    public List<Integer> widths() {
        List<Integer> widths = new ArrayList<>();
        for (Layer layer : layers) {
            if (layer instanceof Layer.Conv conv) {
                widths.add(conv.channels());
            } else if (layer instanceof Layer.Dense dense) {
                widths.add(dense.units());
            }
        }
        return widths;
    }

    /** The label, e.g. "784-110-96-10", "1-32-64-128-gap-10" or a preset's name. */
    public String describe() {
        return label;
    }

    /** A compact label for an explicit list: "1-32c5-p2-64c5-p2-1600-256-128-10". */
    public static String autoLabel(List<Layer> layers) {
        List<String> parts = new ArrayList<>(List.of("1"));
        Features features = new Features(1, DatasetShape.IMAGE_SIDE);
        for (int i = 0; i < layers.size(); i++) {
            Layer layer = layers.get(i);
            Features after = next(features, layer, i);
            if (layer instanceof Layer.Conv conv) {
                parts.add(conv.channels() + "c" + conv.kernel());
            } else if (layer instanceof Layer.MaxPool pool) {
                parts.add("p" + pool.size());
            } else if (layer instanceof Layer.GlobalAvgPool) {
                parts.add("gap");
            } else if (layer instanceof Layer.Flatten) {
                parts.add(Long.toString(after.size()));
            } else if (layer instanceof Layer.Dense dense) {
                parts.add(Integer.toString(dense.units()));
            }
            features = after;
        }
        parts.add(Integer.toString(DatasetShape.CLASSES));
        return String.join("-", parts);
    }
}
