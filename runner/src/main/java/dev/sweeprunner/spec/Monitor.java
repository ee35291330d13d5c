package dev.sweeprunner.spec;

/** A validation metric that schedules, early stopping and best-epoch choice watch. */
public enum Monitor implements Choice {
    VAL_LOSS,
    VAL_ACC;

    /** True when {@code candidate} beats {@code reference} by more than {@code minDelta}. */
    public boolean improves(double candidate, double reference, double minDelta) {
        return this == VAL_LOSS ? candidate < reference - minDelta : candidate > reference + minDelta;
    }
}
