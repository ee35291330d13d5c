package dev.sweeprunner.spec;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The experiment's {@code data:} section. {@code valSize}/{@code trainSize} (explicit counts, study
 * D's 50,000/10,000) replace the fraction when set. The validation holdout comes from the training split
 * (10% by default, split seed 42 as in the reference studies) so t10k stays a clean test set.
 */
public record DataSettings(String dir, double valFraction, long splitSeed, Normalization normalize,
        double mean, double std, Integer valSize, Integer trainSize) {

    /** Fashion-MNIST's training images, the pool that train_size and val_size share. */
    public static final int TRAIN_IMAGES = 60_000;
    public static final double DEFAULT_VAL_FRACTION = 0.1;
    public static final long DEFAULT_SPLIT_SEED = 42;

    public static DataSettings defaults() {
        return new DataSettings(null, DEFAULT_VAL_FRACTION, DEFAULT_SPLIT_SEED, Normalization.NONE, 0, 1, null, null);
    }

    /**
     * Validation images of a holdout split out of {@code available} of the dataset's {@code pool}
     * training images. Explicit sizes are meant for the whole pool: a smoke run's train limit
     * shrinks them in proportion.
     */
    public int holdoutValCount(int available, int pool) {
        double shrink = (double) available / pool;
        return valSize != null ? (int) Math.round(valSize * shrink) : (int) Math.round(available * valFraction);
    }

    /** Training images of a holdout split out of {@code available}: the rest, or train_size of it. */
    public int holdoutTrainCount(int available, int pool) {
        int rest = available - holdoutValCount(available, pool);
        double shrink = (double) available / pool;
        return trainSize == null ? rest : Math.min((int) Math.round(trainSize * shrink), rest);
    }

    /** The settings that change results (dir does not), in a stable order, for hashing and JSON. */
    public Map<String, Object> toMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        if (valSize == null) {
            map.put("val_fraction", valFraction);
        }
        map.put("split_seed", splitSeed);
        map.put("normalize", normalize.yamlName());
        if (normalize == Normalization.FIXED) {
            map.put("mean", mean);
            map.put("std", std);
        }
        if (valSize != null) {
            map.put("val_size", valSize);
        }
        if (trainSize != null) {
            map.put("train_size", trainSize); // after the original keys: existing ids unchanged
        }
        return map;
    }
}
