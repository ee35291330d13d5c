package dev.sweeprunner.cli;

import dev.sweeprunner.UserError;
import dev.sweeprunner.plan.PlanOverrides;

/** Checks {@code --epochs} and {@code --train-limit} the way the file's values are checked. */
final class CliOverrides {
    /** Fewer images than this cannot hold out a validation split and still fill a batch. */
    static final int MIN_TRAIN_LIMIT = 100;

    private CliOverrides() {}

    static PlanOverrides of(Integer epochs, Integer trainLimit) {
        return of(epochs, trainLimit, PlanOverrides.DEFAULT_MAX_TRIALS);
    }

    static PlanOverrides of(Integer epochs, Integer trainLimit, long maxTrials) {
        if (maxTrials < 1) {
            throw new UserError("--max-trials: must be at least 1, got " + maxTrials);
        }
        if (epochs != null && epochs < 1) {
            throw new UserError("--epochs: must be at least 1, got " + epochs);
        }
        if (trainLimit != null && trainLimit < MIN_TRAIN_LIMIT) {
            throw new UserError("--train-limit: must be at least " + MIN_TRAIN_LIMIT + ", got " + trainLimit);
        }
        return new PlanOverrides(epochs, trainLimit, maxTrials);
    }
}
