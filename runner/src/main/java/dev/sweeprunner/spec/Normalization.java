package dev.sweeprunner.spec;

/** How pixel values are scaled before training. */
public enum Normalization implements Choice {
    /** x / 255, values in [0, 1]. */
    NONE,
    /** (x/255 - mean) / std with mean and std of the training split. */
    DATASET,
    /** (x/255 - data.mean) / data.std with values given in the experiment file. */
    FIXED
}
