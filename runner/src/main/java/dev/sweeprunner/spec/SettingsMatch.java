package dev.sweeprunner.spec;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Whether a resolved config (as planned, or as recorded in trial.json) has, for every wanted key,
 * one of the wanted values: the rule behind {@code --only KEY=VALUE} and compare's selectors, in
 * one place below both the plan and the report. Numbers compare by value (0.001 = 1e-3 = 0.0010,
 * 64 = 64.0); anything else by its text.
 */
public final class SettingsMatch {
    private SettingsMatch() {}

    public static boolean matches(Map<String, List<String>> wanted, Map<String, Object> config) {
        return wanted.entrySet().stream().allMatch(entry -> {
            return TrialField.valueIn(config, entry.getKey())
                    .map(value -> entry.getValue().stream().anyMatch(w -> same(String.valueOf(value), w)))
                    .orElse(false);
        });
    }

    public static boolean same(String actual, String wanted) {
        if (Objects.equals(actual, wanted)) {
            return true;
        }
        try {
            return new BigDecimal(actual).compareTo(new BigDecimal(wanted)) == 0;
        } catch (NumberFormatException notBothNumbers) {
            return false;
        }
    }
}
