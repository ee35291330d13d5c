package dev.sweeprunner.plan;

import dev.sweeprunner.spec.Arch;
import dev.sweeprunner.spec.DataSettings;
import dev.sweeprunner.spec.ExperimentSpec;
import dev.sweeprunner.spec.ExperimentSpec.Located;
import dev.sweeprunner.spec.InitKind;
import dev.sweeprunner.spec.OptimizerKind;
import dev.sweeprunner.spec.SpecError;
import dev.sweeprunner.spec.TrialField;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Spec to plan: expand every grid block, resolve each combination and size its network. */
public final class Planner {
    private Planner() {}

    public static Plan plan(ExperimentSpec spec, PlanOverrides overrides) {
        Map<String, Trial> trials = new LinkedHashMap<>();
        int combinations = 0;
        for (ExperimentSpec.GridBlock block : spec.grid()) {
            Map<TrialField, List<Located>> axes = new LinkedHashMap<>();
            block.axes().forEach(axis -> axes.put(axis.field(), axis.values()));
            for (Map<TrialField, Located> combination : GridExpansion.cartesian(axes)) {
                combinations++;
                TrialConfig config = resolve(combination, spec.data(), overrides);
                NetShape shape = size(config, combination.get(TrialField.BUDGET));
                String hash = config.configHash();
                String id = hash.substring(0, ConfigHash.SHORT_LENGTH);
                trials.putIfAbsent(id, new Trial(trials.size(), id, hash, config, shape));
            }
        }
        return new Plan(spec, new ArrayList<>(trials.values()), combinations - trials.size());
    }

    static TrialConfig resolve(Map<TrialField, Located> chosen, DataSettings data, PlanOverrides overrides) {
        Map<TrialField, Object> values = new EnumMap<>(TrialField.class);
        for (TrialField field : TrialField.values()) {
            Optional.ofNullable(chosen.get(field)).map(Located::value).or(field::defaultValue)
                    .ifPresent(value -> values.put(field, value));
        }
        TrialField.Lookup lookup = field -> Optional.ofNullable(values.get(field));
        values.keySet().removeIf(field -> !field.appliesTo(lookup));
        if (overrides.epochs() != null) {
            values.put(TrialField.EPOCHS, overrides.epochs().longValue());
        }
        return new TrialConfig(
                (Arch) values.get(TrialField.ARCH),
                (Long) values.get(TrialField.BUDGET),
                intOrNull(values.get(TrialField.HIDDEN_LAYERS)),
                intOrNull(values.get(TrialField.CONV_BLOCKS)),
                (OptimizerKind) values.get(TrialField.OPTIMIZER),
                (Double) values.get(TrialField.LR),
                (Double) values.get(TrialField.MOMENTUM),
                (Double) values.get(TrialField.WEIGHT_DECAY),
                (InitKind) values.get(TrialField.INIT),
                (Double) values.get(TrialField.DROPOUT),
                (Boolean) values.get(TrialField.BATCH_NORM),
                intOrNull(values.get(TrialField.BATCH_SIZE)),
                intOrNull(values.get(TrialField.EPOCHS)),
                (Long) values.get(TrialField.SEED),
                data,
                overrides.trainLimit());
    }

    private static NetShape size(TrialConfig config, Located budget) {
        try {
            return Sizing.size(config.arch(), config.depth(), config.batchNorm(), config.budget());
        } catch (Sizing.Impossible e) {
            throw SpecError.at(budget.location(), budget.path(), e.getMessage());
        }
    }

    private static Integer intOrNull(Object value) {
        return value == null ? null : Math.toIntExact((Long) value);
    }
}
