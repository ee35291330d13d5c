package dev.sweeprunner.spec;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * YAML for explicit networks. {@code hidden: [512, 256, 128]} is a list of widths; {@code layers:}
 * a list of items, each a bare word ({@code relu}, {@code batch_norm}, {@code flatten},
 * {@code global_avg_pool}) or a one-line block:
 * <pre>
 *   - {conv: 32, kernel: 3, padding: 1, batch_norm: true, pool: 2, dropout: 0.1}  # conv, BN, ReLU, pool, dropout
 *   - {dense: 256, dropout: 0.5}                                              # linear, ReLU, dropout
 *   - {dropout: 0.25}
 *   - {max_pool: 2}
 * </pre>
 * Conv and dense blocks always end in ReLU, the activation of every reference study.
 */
public final class LayerParser {
    /** PyTorch's Conv2d defaults: no padding; 3x3 is the common kernel of the studies. */
    static final long DEFAULT_KERNEL = 3;
    static final long DEFAULT_PADDING = 0;
    private static final Set<String> CONV_KEYS = Set.of("conv", "kernel", "padding", "batch_norm", "pool", "dropout");
    private static final Set<String> DENSE_KEYS = Set.of("dense", "batch_norm", "dropout");
    private static final ValueParser WIDTH = ValueParser.integer(1, Layer.MAX_WIDTH);

    private LayerParser() {}

    /** {@code hidden}: widths of the hidden dense layers, at least one. */
    public static List<Integer> widths(YamlNode.Seq seq, String path) {
        requireItems(seq, path);
        List<Integer> widths = new ArrayList<>();
        for (int i = 0; i < seq.items().size(); i++) {
            widths.add(Math.toIntExact((Long) scalar(seq.items().get(i), path + "[" + i + "]", WIDTH)));
        }
        return List.copyOf(widths);
    }

    public static List<Layer> layers(YamlNode.Seq seq, String path) {
        requireItems(seq, path);
        List<Layer> layers = new ArrayList<>();
        for (int i = 0; i < seq.items().size(); i++) {
            layers.addAll(item(seq.items().get(i), path + "[" + i + "]"));
        }
        return List.copyOf(layers);
    }

    private static void requireItems(YamlNode.Seq seq, String path) {
        if (seq.items().isEmpty()) {
            throw SpecError.at(seq.location(), path, "empty list: give at least one layer");
        }
    }

    private static List<Layer> item(YamlNode node, String path) {
        if (node instanceof YamlNode.Scalar scalar && scalar.value() instanceof String word) {
            return switch (word) {
                case "relu" -> List.of(new Layer.Relu());
                case "batch_norm" -> List.of(new Layer.BatchNorm());
                case "flatten" -> List.of(new Layer.Flatten());
                case "global_avg_pool" -> List.of(new Layer.GlobalAvgPool());
                default -> throw SpecError.at(node.location(), path, "unknown layer '" + YamlNode.shortened(word)
                        + "' (expected relu, batch_norm, flatten, global_avg_pool or a map with conv, dense, dropout or max_pool)");
            };
        }
        if (!(node instanceof YamlNode.Map map)) {
            throw SpecError.at(node.location(), path, "expected a layer name or a map, got " + node.kind());
        }
        Map<String, YamlNode.Entry> entries = map.entries();
        if (entries.containsKey("conv")) {
            checkKeys(map, CONV_KEYS, path);
            Layer.Conv conv = new Layer.Conv(intValue(map, "conv", path, WIDTH, null),
                    intValue(map, "kernel", path, ValueParser.integer(1, 28), DEFAULT_KERNEL),
                    intValue(map, "padding", path, ValueParser.integer(0, 14), DEFAULT_PADDING));
            return Layer.convBlock(conv, batchNorm(map, path), intValue(map, "pool", path,
                    ValueParser.integer(1, 28), 1L), rate(map, path));
        }
        if (entries.containsKey("dense")) {
            checkKeys(map, DENSE_KEYS, path);
            return Layer.denseBlock(intValue(map, "dense", path, WIDTH, null), batchNorm(map, path),
                    rate(map, path));
        }
        if (entries.containsKey("dropout")) {
            checkKeys(map, Set.of("dropout"), path);
            return List.of(new Layer.Dropout(rate(map, path)));
        }
        if (entries.containsKey("max_pool")) {
            checkKeys(map, Set.of("max_pool"), path);
            return List.of(new Layer.MaxPool(intValue(map, "max_pool", path, ValueParser.integer(2, 28), null)));
        }
        throw SpecError.at(map.location(), path, "a layer map needs one of conv, dense, dropout, max_pool");
    }

    private static boolean batchNorm(YamlNode.Map map, String path) {
        YamlNode.Entry entry = map.entries().get("batch_norm");
        return entry != null && (Boolean) scalar(entry.value(), path + ".batch_norm", TrialField.BATCH_NORM::parse);
    }

    /** A layer's dropout rate is checked like the trial setting: one rule for both. */
    private static double rate(YamlNode.Map map, String path) {
        YamlNode.Entry entry = map.entries().get("dropout");
        return entry == null ? 0 : (Double) scalar(entry.value(), path + ".dropout", TrialField.DROPOUT::parse);
    }

    private static int intValue(YamlNode.Map map, String key, String path, ValueParser parser, Long defaultValue) {
        YamlNode.Entry entry = map.entries().get(key);
        if (entry == null) {
            return Math.toIntExact(defaultValue);
        }
        return Math.toIntExact((Long) scalar(entry.value(), path + "." + key, parser));
    }

    private static Object scalar(YamlNode node, String path, ValueParser parser) {
        return SpecParser.scalar(node, path, parser);
    }

    private static void checkKeys(YamlNode.Map map, Set<String> allowed, String path) {
        SpecParser.checkKeys(map, allowed, path);
    }
}
