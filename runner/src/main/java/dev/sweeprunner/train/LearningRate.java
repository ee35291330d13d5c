package dev.sweeprunner.train;

import ai.djl.training.tracker.Tracker;

/**
 * The learning rate the optimizer reads at every update (a float, as DJL's trackers return). The
 * loop owns it and records it in each epoch's row; the schedule, a listener, sets it between
 * epochs through {@link EpochControl}, so a change applies from the next epoch's first batch.
 */
public final class LearningRate implements Tracker {
    private volatile float value;

    public LearningRate(double initial) {
        value = (float) initial;
    }

    @Override
    public float getNewValue(int numUpdate) {
        return value;
    }

    public double get() {
        return value;
    }

    public void set(double rate) {
        value = (float) rate;
    }
}
