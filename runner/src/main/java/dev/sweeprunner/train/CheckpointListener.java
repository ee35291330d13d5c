package dev.sweeprunner.train;

import dev.sweeprunner.plan.Trial;
import dev.sweeprunner.records.ConfusionMatrix;
import dev.sweeprunner.records.EpochRecord;
import dev.sweeprunner.records.TrialStatus;
import dev.sweeprunner.records.TrialStore;

/**
 * Saves the trial's {@link Checkpoint} at every epoch end, after the epoch's row is written and the
 * schedule and early stopping have acted (it comes after them in the list), and deletes it once
 * the trial is over for good: completed or diverged (best.params stays). An interrupted or failed
 * trial keeps it, and its next run continues after the last saved epoch. Completed trials keep
 * none: their epoch count is part of their configuration, so "more epochs" is another trial and
 * could not use it as is. A trial whose length a scheduler decides (ASHA) keeps it when completed
 * too: raising max_epochs continues it.
 */
final class CheckpointListener implements TrialListener {
    private final TrialStore store;
    private final LrScheduler schedule;
    private final EarlyStopping earlyStopping;

    CheckpointListener(TrialStore store, LrScheduler schedule, EarlyStopping earlyStopping) {
        this.store = store;
        this.schedule = schedule;
        this.earlyStopping = earlyStopping;
    }

    @Override
    public void onEpochEnd(Trial trial, EpochRecord record, ConfusionMatrix testConfusion, EpochControl control) {
        control.state().ifPresent(state ->
                store.writeCheckpoint(trial.id(), Checkpoint.of(trial, state, schedule, earlyStopping).toBytes()));
    }

    @Override
    public void onTrialEnd(Trial trial, int epochsCompleted, double trainingTimeS, Throwable error) {
        TrialStatus status = TrialStopped.statusOf(error);
        // a scheduled trial's length can still grow (a raised max_epochs continues it from here)
        if (status == TrialStatus.DIVERGED || status == TrialStatus.COMPLETED && !trial.config().scheduled()) {
            store.deleteCheckpoint(trial.id());
        }
    }
}
