package dev.sweeprunner.spec;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One layer of an explicit network, in PyTorch's nn.Sequential terms. The output Linear(10) is
 * not listed: every network ends with it. {@link #canonical()} is the form hashed into trial ids.
 */
public sealed interface Layer {
    /**
     * The widest layer (channels or units) any network may have, given or sized: far above what
     * a Fashion-MNIST network uses, low enough that a typo or a huge budget fails at plan time
     * instead of allocating gigabytes.
     */
    int MAX_WIDTH = 65_536;

    String canonical();

    /** Conv, [BatchNorm], ReLU, [MaxPool when pool > 1], [Dropout when dropout > 0]. */
    static List<Layer> convBlock(Conv conv, boolean batchNorm, int pool, double dropout) {
        List<Layer> block = new ArrayList<>();
        block.add(conv);
        if (batchNorm) {
            block.add(new BatchNorm());
        }
        block.add(new Relu());
        if (pool > 1) {
            block.add(new MaxPool(pool));
        }
        if (dropout > 0) {
            block.add(new Dropout(dropout));
        }
        return List.copyOf(block);
    }

    /** Dense, [BatchNorm], ReLU, [Dropout when dropout > 0]: one hidden layer of an MLP. */
    static List<Layer> denseBlock(int units, boolean batchNorm, double dropout) {
        List<Layer> block = new ArrayList<>();
        block.add(new Dense(units));
        if (batchNorm) {
            block.add(new BatchNorm());
        }
        block.add(new Relu());
        if (dropout > 0) {
            block.add(new Dropout(dropout));
        }
        return List.copyOf(block);
    }

    /** Conv2d with stride 1; output side = side + 2*padding - kernel + 1. */
    record Conv(int channels, int kernel, int padding) implements Layer {
        public String canonical() {
            return "conv " + channels + " k" + kernel + " p" + padding;
        }
    }

    /** Linear to {@code units}; a 4-D input is flattened first. */
    record Dense(int units) implements Layer {
        public String canonical() {
            return "dense " + units;
        }
    }

    record BatchNorm() implements Layer {
        public String canonical() {
            return "batch_norm";
        }
    }

    record Relu() implements Layer {
        public String canonical() {
            return "relu";
        }
    }

    /** Max pooling, window = stride = size; floor mode like PyTorch (7x7 pooled by 2 is 3x3). */
    record MaxPool(int size) implements Layer {
        public String canonical() {
            return "max_pool " + size;
        }
    }

    record Dropout(double rate) implements Layer {
        public String canonical() {
            return String.format(Locale.ROOT, "dropout %s", rate);
        }
    }

    record Flatten() implements Layer {
        public String canonical() {
            return "flatten";
        }
    }

    /** Mean over each channel's map: (N, C, H, W) to (N, C). */
    record GlobalAvgPool() implements Layer {
        public String canonical() {
            return "global_avg_pool";
        }
    }

    /**
     * A residual connection: the body and the shortcut both read the block's input, and their
     * outputs (the same shape) are added. An empty shortcut is the identity. The ReLU that usually
     * follows is a layer of its own.
     */
    record Residual(List<Layer> body, List<Layer> shortcut) implements Layer {
        public Residual {
            body = List.copyOf(body);
            shortcut = List.copyOf(shortcut);
        }

        public String canonical() {
            return "residual(" + canonical(body) + " | " + (shortcut.isEmpty() ? "identity" : canonical(shortcut)) + ")";
        }

        private static String canonical(List<Layer> layers) {
            return String.join(", ", layers.stream().map(Layer::canonical).toList());
        }
    }
}
