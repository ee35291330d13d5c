package dev.sweeprunner.plan;

import dev.sweeprunner.spec.DatasetShape;
import dev.sweeprunner.spec.Layer;
import java.util.ArrayList;
import java.util.List;

/**
 * The network a trial trains: its hidden layers in order, then the output Linear(10) that every
 * network ends with. Budget-sized, preset and explicit networks all become one of these, so one
 * model builder serves them all. {@link #paramCount()} is the trainable count DJL will report.
 * Every count walks the layers once with {@link #walk}, which enters residual branches, so a new
 * layer kind needs its shape rule in {@link #after} and its weights in the counts, nothing more.
 */
public record Network(List<Layer> layers, String label) {

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
    public record Features(long channels, int side) {
        /** One grey image. */
        public static final Features INPUT = new Features(1, DatasetShape.IMAGE_SIDE);

        public boolean flat() {
            return side == 0;
        }

        /** Values per image. */
        public long size() {
            return flat() ? channels : channels * side * side;
        }
    }

    /**
     * Checks every layer against the shape reaching it and inserts the flatten PyTorch users write
     * before a dense layer (or the output) that meets conv feature maps.
     */
    public static Network of(List<Layer> layers, String label) {
        List<Layer> complete = new ArrayList<>();
        Features features = Features.INPUT;
        for (int i = 0; i < layers.size(); i++) {
            Layer layer = layers.get(i);
            if (layer instanceof Layer.Dense && !features.flat()) {
                complete.add(new Layer.Flatten());
                features = new Features(features.size(), 0);
            }
            features = next(features, layer, "layer " + (i + 1) + " (" + layer.canonical() + ")");
            complete.add(layer);
        }
        if (!features.flat()) {
            complete.add(new Layer.Flatten());
        }
        return new Network(complete, label);
    }

    /** The features after {@code layer} (for a residual block, after the sum). */
    public static Features after(Features in, Layer layer) {
        return next(in, layer, layer.canonical());
    }

    private static Features next(Features in, Layer layer, String where) {
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
        if (layer instanceof Layer.Residual residual) {
            requireMaps(in, where);
            Features body = through(in, residual.body(), where);
            Features shortcut = through(in, residual.shortcut(), where);
            if (!body.equals(shortcut) || body.flat()) {
                throw new Invalid(where + " adds a " + describe(body) + " body to a " + describe(shortcut)
                        + " shortcut; both must give the same maps");
            }
            return body;
        }
        return in; // BatchNorm, ReLU and dropout keep the shape
    }

    private static Features through(Features in, List<Layer> layers, String where) {
        Features features = in;
        for (Layer layer : layers) {
            features = next(features, layer, where);
        }
        return features;
    }

    private static String describe(Features f) {
        return f.flat() ? f.channels() + "-vector" : f.channels() + "x" + f.side() + "x" + f.side();
    }

    private static void requireMaps(Features in, String where) {
        if (in.flat()) {
            throw new Invalid(where + " needs image maps but comes after a flatten, pool-to-vector or dense layer");
        }
    }

    /** Sees each layer with the features entering and leaving it. */
    @FunctionalInterface
    private interface Visitor {
        void visit(Layer layer, Features in, Features out);
    }

    /**
     * Visits every layer in order, the layers inside a residual block (body, then shortcut) before
     * the block itself; returns the features reaching the output layer.
     */
    private Features walk(Visitor visitor) {
        return walk(layers, Features.INPUT, visitor);
    }

    private static Features walk(List<Layer> layers, Features in, Visitor visitor) {
        Features features = in;
        for (Layer layer : layers) {
            if (layer instanceof Layer.Residual residual) {
                walk(residual.body(), features, visitor);
                walk(residual.shortcut(), features, visitor);
            }
            Features out = after(features, layer);
            visitor.visit(layer, features, out);
            features = out;
        }
        return features;
    }

    public long paramCount() {
        long[] count = {0};
        Features last = walk((layer, in, out) -> {
            if (layer instanceof Layer.Conv conv) {
                count[0] += in.channels() * conv.channels() * conv.kernel() * conv.kernel() + conv.channels();
            } else if (layer instanceof Layer.Dense dense) {
                count[0] += in.size() * dense.units() + dense.units();
            } else if (layer instanceof Layer.BatchNorm) {
                count[0] += 2 * in.channels(); // scale and shift; running stats are not trained
            }
        });
        return count[0] + last.size() * DatasetShape.CLASSES + DatasetShape.CLASSES;
    }

    /**
     * Multiply-adds of one image's forward pass through the conv and dense layers (output layer
     * included): the work that dominates training, for ordering trials by cost.
     */
    public long multiplyAdds() {
        long[] total = {0};
        Features last = walk((layer, in, out) -> {
            if (layer instanceof Layer.Conv conv) {
                total[0] += out.size() * in.channels() * conv.kernel() * conv.kernel();
            } else if (layer instanceof Layer.Dense) {
                total[0] += in.size() * out.size();
            }
        });
        return total[0] + last.size() * DatasetShape.CLASSES;
    }

    /** Values per image of the largest tensor a forward pass makes: the input or a layer's output. */
    public long largestActivation() {
        long[] largest = {Features.INPUT.size()};
        walk((layer, in, out) -> largest[0] = Math.max(largest[0], out.size()));
        return Math.max(largest[0], DatasetShape.CLASSES);
    }

    /**
     * Conv channels, dense units and residual blocks' output channels, in order (not the layers
     * inside a residual block): the "widths" of reports and plan --json.
     */
    public List<Integer> widths() {
        List<Integer> widths = new ArrayList<>();
        Features features = Features.INPUT;
        for (Layer layer : layers) {
            features = after(features, layer);
            if (layer instanceof Layer.Conv || layer instanceof Layer.Dense || layer instanceof Layer.Residual) {
                widths.add(Math.toIntExact(features.channels()));
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
        Features features = Features.INPUT;
        for (int i = 0; i < layers.size(); i++) {
            Layer layer = layers.get(i);
            Features after = next(features, layer, "layer " + (i + 1) + " (" + layer.canonical() + ")");
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
            } else if (layer instanceof Layer.Residual) {
                parts.add("res" + after.channels());
            }
            features = after;
        }
        parts.add(Integer.toString(DatasetShape.CLASSES));
        return String.join("-", parts);
    }
}
