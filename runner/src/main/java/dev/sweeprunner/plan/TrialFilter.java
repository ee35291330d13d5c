package dev.sweeprunner.plan;

import dev.sweeprunner.UserError;
import dev.sweeprunner.spec.SettingsMatch;
import dev.sweeprunner.spec.TrialField;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The {@code --only KEY=VALUE[,VALUE...]} selection: trials whose config has one of the listed
 * values for every given key (keys as in the experiment file or {@code plan --json}, e.g.
 * {@code batch_size=64}, {@code lr=1e-3}, {@code fold=1,2}). Numbers compare by value, other values
 * by their text. Selection does not renumber: trial indices, shards and ids stay those of the whole plan.
 */
public record TrialFilter(Map<String, List<String>> wanted) {
    public static final TrialFilter ALL = new TrialFilter(Map.of());

    public TrialFilter {
        wanted = Collections.unmodifiableMap(new LinkedHashMap<>(wanted)); // in the order given, for messages
    }

    /** Parses the option values; a malformed one is a user error naming it. */
    public static TrialFilter parse(List<String> options) {
        Map<String, List<String>> wanted = new LinkedHashMap<>();
        for (String option : options) {
            int eq = option.indexOf('=');
            String key = eq < 0 ? "" : option.substring(0, eq).trim();
            List<String> values = eq < 0 ? List.of()
                    : List.of(option.substring(eq + 1).split(",")).stream().map(String::trim)
                            .filter(v -> !v.isEmpty()).toList();
            if (key.isEmpty() || values.isEmpty()) {
                throw new UserError("--only: expected KEY=VALUE[,VALUE...] (e.g. batch_size=64), got '" + option + "'");
            }
            wanted.merge(key, values, (a, b) -> {
                List<String> both = new ArrayList<>(a);
                both.addAll(b);
                return both;
            });
        }
        return new TrialFilter(wanted);
    }

    /**
     * The plan's trials that match, in plan order. A key no trial has, or a value no trial takes,
     * is a user error listing what the plan does have, so a typo never silently runs nothing.
     */
    public List<Trial> select(List<Trial> trials) {
        if (wanted.isEmpty()) {
            return trials;
        }
        for (var entry : wanted.entrySet()) {
            Set<String> present = new TreeSet<>();
            for (Trial trial : trials) {
                TrialField.valueIn(trial.config().toMap(), entry.getKey())
                        .ifPresent(value -> present.add(String.valueOf(value)));
            }
            if (present.isEmpty()) {
                throw new UserError("--only " + entry.getKey() + ": no trial of the plan sets '" + entry.getKey()
                        + "' (keys: see plan --json)");
            }
            for (String value : entry.getValue()) {
                if (present.stream().noneMatch(p -> SettingsMatch.same(p, value))) {
                    throw new UserError("--only " + entry.getKey() + "=" + value
                            + ": no trial of the plan has it (values: " + String.join(", ", present) + ")");
                }
            }
        }
        List<Trial> kept = trials.stream().filter(this::matches).toList();
        if (kept.isEmpty()) {
            throw new UserError("--only: no trial of the plan has all of " + wanted);
        }
        return kept;
    }

    public boolean matches(Trial trial) {
        return matches(trial.config().toMap());
    }

    /** The same test on a resolved config as recorded in trial.json (a finished trial's, say). */
    public boolean matches(Map<String, Object> config) {
        return SettingsMatch.matches(wanted, config);
    }
}
