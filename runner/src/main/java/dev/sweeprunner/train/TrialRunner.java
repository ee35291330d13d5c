package dev.sweeprunner.train;

import dev.sweeprunner.plan.Trial;
import dev.sweeprunner.records.TrialStatus;

/** Runs trials one after another, in this JVM or in a worker JVM; a sweep runs one per slot. */
public interface TrialRunner extends AutoCloseable {
    /** Blocks until the trial has ended and its records are written; returns how it ended. */
    default TrialStatus run(Trial trial) {
        return run(trial, trial.config().epochs());
    }

    /**
     * The trial up to epoch {@code lastEpoch} at most (a scheduler's rung; continuing from its
     * checkpoint): one that stops there before its last epoch ends {@link TrialStatus#PRUNED}.
     */
    TrialStatus run(Trial trial, int lastEpoch);

    /** Asks the running trial to stop (it ends interrupted, its finished epochs kept); returns at once. */
    void stop();

    /**
     * No more trials will come: a worker JVM may start to exit now. {@link #close()} waits for it,
     * so that the sweep can write its report meanwhile.
     */
    default void finishInput() {
    }

    @Override
    void close();
}
