package dev.sweeprunner.spec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** Experiment YAML to {@link ExperimentSpec}: strict, every problem reported with file, line and field. */
public final class SpecParser {
    private static final Set<String> TOP_LEVEL_KEYS = Set.of("name", "description", "defaults", "grid", "data", "search");
    private static final Set<String> DATA_KEYS = Set.of("dir", "val_fraction", "val_size", "train_size", "split_seed",
            "normalize", "mean", "std");
    /** The name becomes a directory under results/, so keep it to portable file-name characters. */
    private static final int MAX_NAME_CHARS = 100;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

    private SpecParser() {}

    public static ExperimentSpec parse(Path file) {
        return parse(file, Overrides.NONE);
    }

    /** The file with {@code key=value} arguments applied over it (see {@link Overrides}). */
    public static ExperimentSpec parse(Path file, Overrides overrides) {
        return parse(file, YamlReader.read(file), overrides);
    }

    public static ExperimentSpec parse(Path file, YamlNode root) {
        return parse(file, root, Overrides.NONE);
    }

    public static ExperimentSpec parse(Path file, YamlNode root, Overrides overrides) {
        YamlNode.Map top = asMap(root, "");
        checkKeys(top, TOP_LEVEL_KEYS, "");
        String name = (String) requiredScalar(top, "name", "", ValueParser.text());
        YamlNode.Entry nameEntry = top.entries().get("name");
        if (name.length() > MAX_NAME_CHARS) {
            throw SpecError.at(nameEntry.value().location(), "name", "at most " + MAX_NAME_CHARS
                    + " characters (it names the results directory), got " + name.length());
        }
        if (!NAME.matcher(name).matches()) {
            throw SpecError.at(nameEntry.value().location(), "name",
                    "must be letters, digits, '.', '_' or '-' (it names the results directory), got '" + YamlNode.shortened(name) + "'");
        }
        String description = top.entries().containsKey("description")
                ? (String) scalar(top.entries().get("description").value(), "description", ValueParser.text())
                : "";
        DataSettings data = top.entries().containsKey("data")
                ? parseData(top.entries().get("data").value())
                : DataSettings.defaults();
        SearchSpec search = top.entries().containsKey("search")
                ? SearchSpec.parse(top.entries().get("search").value()) : SearchSpec.grid(top.location());
        Map<TrialField, ExperimentSpec.Axis> defaults = top.entries().containsKey("defaults")
                ? parseAxes(asMap(top.entries().get("defaults").value(), "defaults"), "defaults", search)
                : Map.of();
        // checked before the file's grid, whose errors may be what the override is meant to fix
        Map<TrialField, ExperimentSpec.Axis> commandLine = overrides.isEmpty() ? Map.of()
                : parseAxes(overrides.asYaml(), "", search);

        YamlNode.Entry gridEntry = top.entries().get("grid");
        if (gridEntry == null) {
            throw SpecError.at(top.location(), "grid", "required: a list of blocks, e.g. '- arch: fcn'");
        }
        YamlNode.Seq gridList = asSeq(gridEntry.value(), "grid");
        if (gridList.items().isEmpty()) {
            throw SpecError.at(gridList.location(), "grid", "must list at least one block");
        }
        List<ExperimentSpec.GridBlock> blocks = new ArrayList<>();
        for (int i = 0; i < gridList.items().size(); i++) {
            String path = "grid[" + i + "]";
            YamlNode.Map blockMap = asMap(gridList.items().get(i), path);
            Map<TrialField, ExperimentSpec.Axis> own = parseAxes(blockMap, path, search);
            Map<TrialField, ExperimentSpec.Axis> merged = new LinkedHashMap<>(defaults);
            if (TrialField.NETWORK_CHOICES.stream().anyMatch(own::containsKey)) {
                TrialField.NETWORK_CHOICES.forEach(merged::remove); // the block's own network replaces the default one
            }
            merged.putAll(own);
            // the command line is the last word, in every block: its network replaces the block's
            if (TrialField.NETWORK_CHOICES.stream().anyMatch(commandLine::containsKey)) {
                TrialField.NETWORK_CHOICES.forEach(merged::remove);
            }
            merged.putAll(commandLine);
            requireOneNetwork(merged, blockMap, path);
            blocks.add(new ExperimentSpec.GridBlock(i, blockMap.location(), List.copyOf(merged.values())));
        }
        checkTrainingSplit(data, top.entries().get("data"), blocks);
        SearchSpace.requireApplicable(blocks);
        return new ExperimentSpec(name, description, file, data, blocks, search);
    }

    /**
     * A holdout that leaves fewer training images than one batch would train on nothing (a NaN
     * loss that once ended "completed"): refused here, naming the data key that made it so.
     */
    private static void checkTrainingSplit(DataSettings data, YamlNode.Entry dataEntry,
            List<ExperimentSpec.GridBlock> blocks) {
        int train = data.holdoutTrainCount(DataSettings.TRAIN_IMAGES, DataSettings.TRAIN_IMAGES);
        for (ExperimentSpec.GridBlock block : blocks) {
            List<ExperimentSpec.Located> batches = block.axes().stream().filter(a -> a.field() == TrialField.BATCH_SIZE)
                    .flatMap(a -> a.values().stream()).toList();
            boolean holdout = block.axes().stream().filter(a -> a.field() == TrialField.FOLDS)
                    .flatMap(a -> a.values().stream()).anyMatch(v -> ((Number) v.value()).longValue() == 0)
                    || block.axes().stream().noneMatch(a -> a.field() == TrialField.FOLDS);
            long batch = batches.stream().mapToLong(v -> largest(v.value())).max()
                    .orElse(((Number) TrialField.BATCH_SIZE.defaultValue().orElseThrow()).longValue());
            if (holdout && train < batch) {
                YamlNode.Map map = (YamlNode.Map) dataEntry.value(); // the defaults leave 54,000 images
                String key = List.of("train_size", "val_size", "val_fraction").stream()
                        .filter(map.entries()::containsKey).findFirst().orElseThrow();
                throw SpecError.at(map.entries().get(key).value().location(), "data." + key, "leaves " + train
                        + " training image(s), fewer than one batch of " + batch + " (grid[" + block.index()
                        + "] batch_size); lower val_size or raise train_size");
            }
        }
    }

    /** A listed value, or the largest a search's distribution can draw (batch_size may be searched). */
    private static long largest(Object value) {
        if (value instanceof Distribution.Whole whole) {
            return whole.high();
        }
        if (value instanceof Distribution.OneOf oneOf) {
            return oneOf.values().stream().mapToLong(v -> ((Number) v).longValue()).max().orElseThrow();
        }
        return ((Number) value).longValue();
    }

    private static Map<TrialField, ExperimentSpec.Axis> parseAxes(YamlNode.Map map, String path, SearchSpec search) {
        Map<TrialField, ExperimentSpec.Axis> axes = new LinkedHashMap<>();
        for (Map.Entry<String, YamlNode.Entry> entry : map.entries().entrySet()) {
            String fieldPath = path.isEmpty() ? entry.getKey() : path + "." + entry.getKey();
            TrialField field = TrialField.byKey(entry.getKey()).orElseThrow(() -> SpecError.at(
                    entry.getValue().keyLocation(), fieldPath, "unknown key (expected one of " + trialKeys() + ")"));
            if (field == TrialField.SCHEDULER) {
                throw SpecError.at(entry.getValue().keyLocation(), fieldPath,
                        "set in the search block (search.scheduler), not per trial");
            }
            if (field == TrialField.EPOCHS && search.asha().isPresent()) {
                throw SpecError.at(entry.getValue().keyLocation(), fieldPath,
                        "under search.scheduler.asha a trial's epochs are the scheduler's (max_epochs); remove epochs");
            }
            YamlNode node = entry.getValue().value();
            List<ExperimentSpec.Located> values = new ArrayList<>();
            if (node instanceof YamlNode.Map distribution) {
                if (!search.searches()) {
                    throw SpecError.at(node.location(), fieldPath, "a distribution needs 'search: {strategy: random "
                            + "| tpe, trials: N}' (a grid runs listed values only)");
                }
                values.add(new ExperimentSpec.Located(Distribution.parse(field, distribution, fieldPath),
                        node.location(), fieldPath));
            } else if (field.listValued()) {
                values.addAll(listValues(field, node, fieldPath));
            } else if (node instanceof YamlNode.Seq seq) {
                if (seq.items().isEmpty()) {
                    throw SpecError.at(seq.location(), fieldPath, "empty list: give at least one value");
                }
                for (int i = 0; i < seq.items().size(); i++) {
                    String itemPath = fieldPath + "[" + i + "]";
                    YamlNode item = seq.items().get(i);
                    values.add(new ExperimentSpec.Located(scalar(item, itemPath, field::parse), item.location(), itemPath));
                }
            } else {
                values.add(new ExperimentSpec.Located(scalar(node, fieldPath, field::parse), node.location(), fieldPath));
            }
            axes.put(field, new ExperimentSpec.Axis(field, values));
        }
        return axes;
    }

    /** One list is one value; a list of lists is several values to sweep over. */
    private static List<ExperimentSpec.Located> listValues(TrialField field, YamlNode node, String path) {
        YamlNode.Seq seq = asSeq(node, path);
        boolean alternatives = !seq.items().isEmpty() && seq.items().get(0) instanceof YamlNode.Seq;
        if (!alternatives) {
            return List.of(new ExperimentSpec.Located(field.parseList(seq, path), seq.location(), path));
        }
        List<ExperimentSpec.Located> values = new ArrayList<>();
        for (int i = 0; i < seq.items().size(); i++) {
            String itemPath = path + "[" + i + "]";
            YamlNode.Seq item = asSeq(seq.items().get(i), itemPath);
            values.add(new ExperimentSpec.Located(field.parseList(item, itemPath), item.location(), itemPath));
        }
        return values;
    }

    /** A block names its network one way: a budget (with arch), a preset, hidden widths or layers. */
    private static void requireOneNetwork(Map<TrialField, ExperimentSpec.Axis> merged, YamlNode.Map block, String path) {
        List<TrialField> ways = TrialField.NETWORK_CHOICES.stream().filter(merged::containsKey).toList();
        if (ways.isEmpty()) {
            throw SpecError.at(block.location(), path + ".budget",
                    "required: a budget (with arch), a preset, hidden widths or layers (here or in defaults)");
        }
        if (ways.size() > 1) {
            throw SpecError.at(block.location(), path, "set only one of " + ways.stream().map(TrialField::key)
                    .collect(Collectors.joining(", ")) + "");
        }
        if (ways.get(0) == TrialField.BUDGET && !merged.containsKey(TrialField.ARCH)) {
            throw SpecError.at(block.location(), path + ".arch", "required with a budget (set it in this block or in defaults)");
        }
    }

    private static DataSettings parseData(YamlNode node) {
        YamlNode.Map map = asMap(node, "data");
        checkKeys(map, DATA_KEYS, "data");
        DataSettings d = DataSettings.defaults();
        String dir = (String) optional(map, "dir", ValueParser.text(), d.dir());
        double valFraction = (Double) optional(map, "val_fraction", ValueParser.real(0, false, 1, false), d.valFraction());
        long splitSeed = (Long) optional(map, "split_seed", ValueParser.integer(0, Long.MAX_VALUE), d.splitSeed());
        Normalization normalize = (Normalization) optional(map, "normalize", ValueParser.choice(Normalization.class),
                d.normalize());
        boolean hasMean = map.entries().containsKey("mean");
        boolean hasStd = map.entries().containsKey("std");
        if (normalize == Normalization.FIXED && !(hasMean && hasStd)) {
            throw SpecError.at(map.location(), "data." + (hasMean ? "std" : "mean"), "required when normalize is fixed");
        }
        if (normalize != Normalization.FIXED && (hasMean || hasStd)) {
            YamlNode.Entry stray = map.entries().get(hasMean ? "mean" : "std");
            throw SpecError.at(stray.keyLocation(), "data." + (hasMean ? "mean" : "std"),
                    "only used with 'normalize: fixed'");
        }
        double mean = (Double) optional(map, "mean", ValueParser.real(-1e6, true, 1e6, true), d.mean());
        double std = (Double) optional(map, "std", ValueParser.real(0, false, 1e6, true), d.std());
        if (map.entries().containsKey("val_size") && map.entries().containsKey("val_fraction")) {
            throw SpecError.at(map.entries().get("val_size").keyLocation(), "data.val_size",
                    "give either val_size or val_fraction, not both");
        }
        Integer valSize = map.entries().containsKey("val_size")
                ? Math.toIntExact((Long) optional(map, "val_size", ValueParser.integer(1, 1_000_000), null)) : null;
        Integer trainSize = map.entries().containsKey("train_size")
                ? Math.toIntExact((Long) optional(map, "train_size", ValueParser.integer(1, 1_000_000), null)) : null;
        if ((valSize == null ? 0 : valSize) + (trainSize == null ? 0 : trainSize) > DataSettings.TRAIN_IMAGES) {
            throw SpecError.at(map.location(), "data", "train_size + val_size must be at most the "
                    + DataSettings.TRAIN_IMAGES + " training images");
        }
        return new DataSettings(dir, valFraction, splitSeed, normalize, mean, std, valSize, trainSize);
    }

    /** A {@code data.KEY} value, or the default when the key is absent. */
    private static Object optional(YamlNode.Map map, String key, ValueParser parser, Object defaultValue) {
        return map.entries().containsKey(key) ? requiredScalar(map, key, "data", parser) : defaultValue;
    }

    private static Object requiredScalar(YamlNode.Map map, String key, String parentPath, ValueParser parser) {
        String path = parentPath.isEmpty() ? key : parentPath + "." + key;
        YamlNode.Entry entry = map.entries().get(key);
        if (entry == null) {
            throw SpecError.at(map.location(), path, "required");
        }
        return scalar(entry.value(), path, parser);
    }

    static Object scalar(YamlNode node, String path, ValueParser parser) {
        if (!(node instanceof YamlNode.Scalar scalar)) {
            throw SpecError.at(node.location(), path, "expected a single value, got " + node.kind());
        }
        try {
            return parser.parse(scalar);
        } catch (ValueParser.Invalid e) {
            throw SpecError.at(node.location(), path, e.getMessage());
        }
    }

    static void checkKeys(YamlNode.Map map, Set<String> allowed, String path) {
        for (Map.Entry<String, YamlNode.Entry> entry : map.entries().entrySet()) {
            if (!allowed.contains(entry.getKey())) {
                String fieldPath = path.isEmpty() ? entry.getKey() : path + "." + entry.getKey();
                throw SpecError.at(entry.getValue().keyLocation(), fieldPath,
                        "unknown key (expected one of " + allowed.stream().sorted().collect(Collectors.joining(", ")) + ")");
            }
        }
    }

    private static YamlNode.Map asMap(YamlNode node, String path) {
        if (node instanceof YamlNode.Map map) {
            return map;
        }
        throw SpecError.at(node.location(), path, "expected a map (key: value lines), got " + node.kind());
    }

    private static YamlNode.Seq asSeq(YamlNode node, String path) {
        if (node instanceof YamlNode.Seq seq) {
            return seq;
        }
        throw SpecError.at(node.location(), path, "expected a list ('- ' items), got " + node.kind());
    }

    private static String trialKeys() {
        return java.util.Arrays.stream(TrialField.values()).filter(f -> f != TrialField.SCHEDULER).map(TrialField::key)
                .collect(Collectors.joining(", "));
    }

}
