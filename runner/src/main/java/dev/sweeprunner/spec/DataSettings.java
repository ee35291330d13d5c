package dev.sweeprunner.spec;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The experiment's {@code data:} section. The validation holdout comes from the training split
 * (10% by default, split seed 42 as in the reference studies) so t10k stays a clean test set.
 */
public record DataSettings(String dir, double valFraction, long splitSeed, Normalization normalize,
        double mean, double std) {

    public static final double DEFAULT_VAL_FRACTION = 0.1;
    public static final long DEFAULT_SPLIT_SEED = 42;

    public static DataSettings defaults() {
        return new DataSettings(null, DEFAULT_VAL_FRACTION, DEFAULT_SPLIT_SEED, Normalization.NONE, 0, 1);
    }

    /** The settings that change results (dir does not), in a stable order, for hashing and JSON. */
    public Map<String, Object> toMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("val_fraction", valFraction);
        map.put("split_seed", splitSeed);
        map.put("normalize", normalize.yamlName());
        if (normalize == Normalization.FIXED) {
            map.put("mean", mean);
            map.put("std", std);
        }
        return map;
    }
}
