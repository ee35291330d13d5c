package dev.sweeprunner.search;

import dev.sweeprunner.spec.TrialField;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Configuration {@code number} of a search (0-based): the grid block it comes from and the
 * values drawn for that block's searched settings. It becomes ordinary trials, one per seed and fold.
 */
public record Suggestion(int number, int block, Map<TrialField, Object> values) {
    public Suggestion {
        values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }
}
