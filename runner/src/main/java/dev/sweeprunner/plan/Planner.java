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
import dev.sweeprunner.spec.SpecError;
import dev.sweeprunner.spec.TrialField;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
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
        Map<String, Trial> trials = new LinkedHashMap<>();
        int combinations = 0;
        for (ExperimentSpec.GridBlock block : spec.grid()) {
            Map<TrialField, List<Located>> axes = new LinkedHashMap<>();
            block.axes().forEach(axis -> axes.put(axis.field(), axis.values()));
            for (Map<TrialField, Located> combination : GridExpansion.cartesian(axes)) {
                TrialConfig config = resolve(combination, dataFor(combination, spec.data()), overrides);
                Network network = network(config, combination);
                List<Integer> folds = config.folds() == 0 ? Collections.singletonList(null)
                        : IntStream.rangeClosed(1, config.folds()).boxed().toList();
                for (Integer fold : folds) {
                    combinations++;
                    TrialConfig folded = fold == null ? config
                            : new TrialConfig(config.values(), config.data(), config.trainLimit(), fold);
                    String hash = folded.configHash();
                    String id = hash.substring(0, ConfigHash.SHORT_LENGTH);
                    trials.putIfAbsent(id, new Trial(trials.size(), id, hash, folded, network));
                }
            }
        }
        return new Plan(spec, new ArrayList<>(trials.values()), combinations - trials.size());
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
