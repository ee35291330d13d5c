package dev.sweeprunner.spec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Checks on a grid block's distributions that need the whole block (after defaults are merged in). */
final class SearchSpace {
    /** Beyond this many combinations of candidate values the applicability check gives the benefit of the doubt. */
    private static final int MAX_COMBINATIONS = 4096;

    private SearchSpace() {}

    /**
     * A distribution on a field that applies to none of a block's possible trials (momentum under
     * Adam, hidden_layers of a CNN) would be drawn and then dropped, changing nothing: an error.
     * One in {@code defaults:} is an error only when it applies in no block (a default shared by
     * FCN and CNN blocks is dropped where it does not apply, like a plain default). Each other
     * field is tried at its listed values, a distribution's choices or both ends.
     */
    static void requireApplicable(List<ExperimentSpec.GridBlock> blocks) {
        Map<String, ExperimentSpec.Located> unused = new LinkedHashMap<>();
        java.util.Set<String> usedDefaults = new java.util.HashSet<>();
        for (ExperimentSpec.GridBlock block : blocks) {
            for (ExperimentSpec.Located located : notApplying(block)) {
                if (!located.path().startsWith("defaults.")) {
                    throw error(located);
                }
                unused.putIfAbsent(located.path(), located);
            }
            block.axes().stream().flatMap(a -> a.values().stream())
                    .filter(l -> l.value() instanceof Distribution && l.path().startsWith("defaults."))
                    .filter(l -> !notApplying(block).contains(l)).forEach(l -> usedDefaults.add(l.path()));
        }
        unused.keySet().removeAll(usedDefaults);
        unused.values().stream().findFirst().ifPresent(l -> {
            throw error(l);
        });
    }

    private static RuntimeException error(ExperimentSpec.Located located) {
        return SpecError.at(located.location(), located.path(), "does not apply to any trial of "
                + (located.path().startsWith("defaults.") ? "any block" : "this block")
                + " (like momentum with adam, or hidden_layers of a cnn): drawing it would change nothing");
    }

    /** The block's distributions that apply to none of its possible trials. */
    private static List<ExperimentSpec.Located> notApplying(ExperimentSpec.GridBlock block) {
        Map<TrialField, List<Object>> candidates = new LinkedHashMap<>();
        for (ExperimentSpec.Axis axis : block.axes()) {
            List<Object> values = new ArrayList<>();
            for (ExperimentSpec.Located located : axis.values()) {
                values.addAll(candidates(located.value()));
            }
            candidates.put(axis.field(), values);
        }
        List<Map<TrialField, Object>> combinations = combinations(candidates);
        List<ExperimentSpec.Located> none = new ArrayList<>();
        if (combinations.size() > MAX_COMBINATIONS) {
            return none;
        }
        for (ExperimentSpec.Axis axis : block.axes()) {
            for (ExperimentSpec.Located located : axis.values()) {
                boolean appliesSomewhere = combinations.stream().anyMatch(c -> axis.field().appliesTo(field ->
                        Optional.ofNullable(c.get(field)).or(() -> field.recordedAtDefault()
                                ? field.defaultValue() : Optional.empty())));
                if (located.value() instanceof Distribution && !appliesSomewhere) {
                    none.add(located);
                }
            }
        }
        return none;
    }

    private static List<Object> candidates(Object value) {
        if (value instanceof Distribution.OneOf oneOf) {
            return oneOf.values();
        }
        if (value instanceof Distribution.Real real) {
            return List.of(real.low(), real.high());
        }
        if (value instanceof Distribution.Whole whole) {
            return List.of(whole.low(), whole.high());
        }
        return List.of(value);
    }

    private static List<Map<TrialField, Object>> combinations(Map<TrialField, List<Object>> candidates) {
        List<Map<TrialField, Object>> all = new ArrayList<>();
        all.add(new LinkedHashMap<>());
        for (Map.Entry<TrialField, List<Object>> axis : candidates.entrySet()) {
            List<Map<TrialField, Object>> next = new ArrayList<>();
            for (Map<TrialField, Object> partial : all) {
                for (Object value : axis.getValue()) {
                    Map<TrialField, Object> extended = new LinkedHashMap<>(partial);
                    extended.put(axis.getKey(), value);
                    next.add(extended);
                }
            }
            all = next;
            if (all.size() > MAX_COMBINATIONS) {
                return all;
            }
        }
        return all;
    }
}
