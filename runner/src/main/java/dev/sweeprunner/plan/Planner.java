package dev.sweeprunner.plan;

import dev.sweeprunner.spec.ConfigHash;
import dev.sweeprunner.spec.DataSettings;
import dev.sweeprunner.spec.ExperimentSpec;
import dev.sweeprunner.spec.Families;
import dev.sweeprunner.spec.Family;
import dev.sweeprunner.spec.ExperimentSpec.Located;
import dev.sweeprunner.spec.Layer;
import dev.sweeprunner.spec.Normalization;
import dev.sweeprunner.spec.Preset;
import dev.sweeprunner.spec.Scheduler;
import dev.sweeprunner.spec.SearchSpec;
import dev.sweeprunner.spec.SpecError;
import dev.sweeprunner.spec.TrialField;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;

/**
 * Spec to plan: expand every grid block, resolve each combination, build its network (sized from a
 * budget, a preset or explicit layers) and, under k-fold cross-validation, one trial per fold.
 */
public final class Planner {

    private Planner() {}

    public static Plan plan(ExperimentSpec spec, PlanOverrides overrides) {
        if (spec.search().searches()) {
            throw new IllegalArgumentException("a search's trials come from the search package, not the grid");
        }
        checkSize(spec, overrides.maxTrials());
        Builder builder = new Builder(spec, overrides);
        for (ExperimentSpec.GridBlock block : spec.grid()) {
            Map<TrialField, List<Located>> axes = new LinkedHashMap<>();
            block.axes().forEach(axis -> axes.put(axis.field(), axis.values()));
            GridExpansion.cartesian(axes).forEach(builder::add);
        }
        return builder.build();
    }

    /**
     * Trials in plan order, from chosen values (a grid combination or a search's suggestion);
     * a combination that resolves to an already planned trial is collapsed into it.
     */
    public static final class Builder {
        private final ExperimentSpec spec;
        private final PlanOverrides overrides;
        private final Map<String, Trial> trials = new LinkedHashMap<>();
        private final Map<List<Object>, Network> networks = new HashMap<>();
        private int combinations;

        public Builder(ExperimentSpec spec, PlanOverrides overrides) {
            this.spec = spec;
            this.overrides = overrides;
        }

        /** The combination's trials (one per fold under k-fold), planned now or before. */
        public List<Trial> add(Map<TrialField, Located> combination) {
            TrialConfig config = scheduled(resolve(combination, dataFor(combination, spec.data()), overrides),
                    spec.search().withMaxEpochs(overrides.epochs()));
            // a grid repeats few networks over many settings: sizing each once keeps a 10,000-trial plan fast
            Network network = networks.computeIfAbsent(networkKey(config, combination),
                    key -> network(config, combination));
            List<Integer> folds = config.folds() == 0 ? Collections.singletonList(null)
                    : IntStream.rangeClosed(1, config.folds()).boxed().toList();
            List<Trial> added = new ArrayList<>();
            for (Integer fold : folds) {
                combinations++;
                TrialConfig folded = fold == null ? config
                        : new TrialConfig(config.values(), config.data(), config.trainLimit(), fold);
                String hash = folded.configHash();
                String id = hash.substring(0, ConfigHash.SHORT_LENGTH);
                added.add(trials.computeIfAbsent(id, k -> new Trial(trials.size(), k, hash, folded, network)));
            }
            return added;
        }

        public Plan build() {
            return new Plan(spec, new ArrayList<>(trials.values()), combinations - trials.size());
        }
    }

    /**
     * Counts the grid's trials from its axes alone (product of the list lengths, each k-fold value
     * counting k) and refuses a grid over {@code maxTrials} before expanding anything.
     */
    static void checkSize(ExperimentSpec spec, long maxTrials) {
        long total = 0;
        ExperimentSpec.GridBlock largest = null;
        long largestCount = -1;
        for (ExperimentSpec.GridBlock block : spec.grid()) {
            long count = trialCount(block);
            total = saturatedAdd(total, count);
            if (count > largestCount) {
                largest = block;
                largestCount = count;
            }
        }
        if (total > maxTrials) {
            throw SpecError.at(largest.location(), "grid", String.format(Locale.ROOT,
                    "expands to %s trials (grid[%d] alone to %s), over the limit of %,d; shorten the lists "
                            + "or raise the limit with --max-trials", count(total), largest.index(),
                    count(largestCount), maxTrials));
        }
    }

    private static String count(long n) {
        return n == Long.MAX_VALUE ? "more than 9.2e18" : String.format(Locale.ROOT, "%,d", n);
    }

    /** Trials of one block: the product of its axes' lengths, with a k-fold value standing for k trials. */
    static long trialCount(ExperimentSpec.GridBlock block) {
        long count = 1;
        for (ExperimentSpec.Axis axis : block.axes()) {
            long values = axis.field() != TrialField.FOLDS ? axis.values().size()
                    : axis.values().stream().mapToLong(v -> Math.max(1, ((Number) v.value()).longValue())).sum();
            count = saturatedMultiply(count, values);
        }
        return count;
    }

    private static long saturatedMultiply(long a, long b) {
        long high = Math.multiplyHigh(a, b);
        return high != 0 || a * b < 0 ? Long.MAX_VALUE : a * b;
    }

    private static long saturatedAdd(long a, long b) {
        long sum = a + b;
        return sum < 0 ? Long.MAX_VALUE : sum;
    }

    static TrialConfig resolve(Map<TrialField, Located> chosen, DataSettings data, PlanOverrides overrides) {
        Map<TrialField, Object> values = new EnumMap<>(TrialField.class);
        for (TrialField field : TrialField.values()) {
            Optional<Object> value = Optional.ofNullable(chosen.get(field)).map(Located::value);
            if (field.recordedAtDefault()) {
                value = value.or(field::defaultValue);
            } else if (value.equals(field.defaultValue())) {
                value = Optional.empty(); // a later field at its default leaves the trial id as it was
            }
            value.ifPresent(v -> values.put(field, v));
        }
        derivedArch(values).ifPresent(arch -> values.put(TrialField.ARCH, arch));
        List.of(TrialField.NORMALIZE, TrialField.MEAN, TrialField.STD).forEach(values::remove); // now in data
        TrialField.Lookup lookup = field -> Optional.ofNullable(values.get(field));
        values.keySet().removeIf(field -> !field.appliesTo(lookup));
        if (overrides.epochs() != null) {
            values.put(TrialField.EPOCHS, overrides.epochs().longValue());
        }
        return new TrialConfig(values, data, overrides.trainLimit(), null);
    }

    /**
     * Under an ASHA scheduler every trial is planned to max_epochs (--epochs replaces it) and marked as
     * scheduled, which leaves its length out of its id: the scheduler decides how far it trains.
     */
    static TrialConfig scheduled(TrialConfig config, SearchSpec search) {
        if (search.asha().isEmpty()) {
            return config;
        }
        Map<TrialField, Object> values = new EnumMap<>(config.values());
        values.put(TrialField.SCHEDULER, Scheduler.ASHA);
        values.put(TrialField.EPOCHS, (long) search.asha().get().maxEpochs());
        return new TrialConfig(values, config.data(), config.trainLimit(), config.fold());
    }

    /** The data section with the trial's own normalize/mean/std applied (they are not kept as trial settings). */
    private static DataSettings dataFor(Map<TrialField, Located> combination, DataSettings data) {
        Located normalize = combination.get(TrialField.NORMALIZE);
        Located mean = combination.get(TrialField.MEAN);
        Located std = combination.get(TrialField.STD);
        if (normalize == null && mean == null && std == null) {
            return data;
        }
        Normalization kind = normalize == null ? data.normalize() : (Normalization) normalize.value();
        if (kind == Normalization.FIXED && (mean == null || std == null) && data.normalize() != Normalization.FIXED) {
            Located given = normalize != null ? normalize : mean != null ? mean : std;
            throw SpecError.at(given.location(), given.path(), "normalize: fixed needs both mean and std");
        }
        if (kind != Normalization.FIXED && (mean != null || std != null)) {
            Located stray = mean != null ? mean : std;
            throw SpecError.at(stray.location(), stray.path(), "only used with 'normalize: fixed'");
        }
        return new DataSettings(data.dir(), data.valFraction(), data.splitSeed(), kind,
                mean == null ? data.mean() : (Double) mean.value(), std == null ? data.std() : (Double) std.value(),
                data.valSize(), data.trainSize());
    }

    /** Everything {@link #network} reads: equal keys, equal networks (and equal errors). */
    private static List<Object> networkKey(TrialConfig config, Map<TrialField, Located> combination) {
        List<Object> key = new ArrayList<>();
        for (TrialField field : TrialField.NETWORK_CHOICES) {
            key.add(Optional.ofNullable(combination.get(field)).map(Located::value).orElse(null));
        }
        key.add(Optional.ofNullable(combination.get(TrialField.ARCH)).map(Located::value).orElse(null));
        key.add(config.arch());
        key.add(config.values().get(TrialField.HIDDEN_LAYERS));
        key.add(config.values().get(TrialField.CONV_BLOCKS));
        key.add(config.batchNorm());
        key.add(config.dropout());
        return Collections.unmodifiableList(key); // ArrayList allows the nulls a List.of would not
    }

    /** Explicit networks name their own family: the first that claims their layers (any conv layer makes a CNN). */
    private static Optional<Family> derivedArch(Map<TrialField, Object> values) {
        return explicitLayers(values).map(layers -> Families.describing(layers).orElseThrow(
                () -> new IllegalStateException("no registered family describes " + layers)));
    }

    /** The layers of a preset, {@code hidden:} widths (dense layers) or a layer list; empty for a budget. */
    @SuppressWarnings("unchecked")
    private static Optional<List<Layer>> explicitLayers(Map<TrialField, Object> values) {
        if (values.get(TrialField.PRESET) instanceof Preset preset) {
            return Optional.of(preset.layers());
        }
        if (values.get(TrialField.HIDDEN) instanceof List<?> widths) {
            return Optional.of(((List<Integer>) widths).stream().<Layer>map(Layer.Dense::new).toList());
        }
        return Optional.ofNullable((List<Layer>) values.get(TrialField.LAYERS));
    }

    private static Network network(TrialConfig config, Map<TrialField, Located> combination) {
        TrialField way = TrialField.NETWORK_CHOICES.stream().filter(combination::containsKey).findFirst()
                .orElseThrow(() -> new IllegalStateException("the parser requires a network in every block"));
        Located where = combination.get(way);
        Located archGiven = combination.get(TrialField.ARCH);
        if (way != TrialField.BUDGET && archGiven != null && archGiven.value() != config.arch()) {
            throw SpecError.at(archGiven.location(), archGiven.path(), "this " + way.key() + " makes a "
                    + config.arch().yamlName() + ", not a " + ((Family) archGiven.value()).yamlName()
                    + " (leave arch out: it follows from the layers)");
        }
        try {
            return network(config);
        } catch (Sizing.Impossible | Network.Invalid e) {
            throw SpecError.at(where.location(), where.path(), e.getMessage());
        }
    }

    /**
     * The trial's network from its resolved config alone (a pure function: a worker JVM rebuilds
     * its trial's network with it from the config the sweep sends). Throws {@link Sizing.Impossible}
     * or {@link Network.Invalid} when the config asks for a network that cannot be built.
     */
    public static Network network(TrialConfig config) {
        TrialField way = TrialField.NETWORK_CHOICES.stream().filter(config.values()::containsKey).findFirst()
                .orElseThrow(() -> new IllegalStateException("a resolved config names its network"));
        if (way == TrialField.BUDGET) {
            return NetworkFamily.of(config.arch()).size(config.depth(), config.batchNorm(), config.dropout(),
                    config.budget());
        }
        if (way == TrialField.PRESET) {
            Preset preset = config.preset().orElseThrow();
            return Network.of(preset.layers(), preset.yamlName());
        }
        if (way == TrialField.HIDDEN) {
            List<Integer> widths = config.hidden().orElseThrow();
            return new NetShape(stacked(config.arch(), way), widths, config.batchNorm()).toNetwork(config.dropout());
        }
        List<Layer> layers = config.layers().orElseThrow();
        return Network.of(layers, Network.autoLabel(layers));
    }

    /** The trial at {@code index} of a plan, from its resolved config alone (see {@link #network(TrialConfig)}). */
    public static Trial trial(int index, TrialConfig config) {
        String hash = config.configHash();
        return new Trial(index, hash.substring(0, ConfigHash.SHORT_LENGTH), hash, config, network(config));
    }

    /** {@code hidden:} widths are the hidden layers of the family that describes dense layers. */
    private static StackedFamily stacked(Family family, TrialField way) {
        if (NetworkFamily.of(family) instanceof StackedFamily stacked) {
            return stacked;
        }
        throw new IllegalStateException(family.name() + " describes " + way.key() + " but is not a stack of layers");
    }
}
