package dev.sweeprunner.train;

import dev.sweeprunner.plan.Trial;
import dev.sweeprunner.records.BestWeights;
import dev.sweeprunner.records.ConfusionMatrix;
import dev.sweeprunner.records.EpochRecord;
import java.util.List;

/**
 * Hooks around the training loop, after DJL's TrainingListener: logging, records, progress, the
 * learning-rate schedule, early stopping and checkpoints live here, not in the loop. The caller
 * composes the list ({@link TrialListeners#standard}); they are told in list order.
 */
public interface TrialListener {
    default void onTrialStart(Trial trial) {}

    /**
     * Right after {@link #onTrialStart} when the trial continues from a checkpoint: {@code from}
     * holds the epochs already done; the next epoch is {@code from.epoch() + 1}.
     */
    default void onTrialResumed(Trial trial, Resumed from) {}

    /** Called after each training batch; must not touch the device (no synchronisation). */
    default void onBatchEnd(Trial trial, int epoch, int batchesDone, int batches) {}

    default void onEpochEnd(Trial trial, EpochRecord record, ConfusionMatrix testConfusion) {}

    /**
     * The same, for listeners that steer training (schedule, early stopping, checkpoints). By
     * default it is {@link #onEpochEnd(Trial, EpochRecord, ConfusionMatrix)}.
     */
    default void onEpochEnd(Trial trial, EpochRecord record, ConfusionMatrix testConfusion, EpochControl control) {
        onEpochEnd(trial, record, testConfusion);
    }

    /**
     * A new best epoch by the trial's {@code best_by} (told before that epoch's {@code onEpochEnd});
     * {@code parameters} is the model's state in DJL's format.
     */
    default void onBestEpoch(Trial trial, EpochRecord record, byte[] parameters) {}

    /**
     * After the last epoch: the test set evaluated again with the best epoch's weights reloaded,
     * or, when the best epoch is the last, that epoch's own test numbers (the same weights).
     */
    default void onBestWeightsEvaluated(Trial trial, BestWeights best) {}

    /** {@code error} is null when the trial finished (all its epochs, or stopped early). */
    default void onTrialEnd(Trial trial, int epochsCompleted, double trainingTimeS, Throwable error) {}

    /**
     * Where a resumed trial stands: its finished epochs' rows (what epochs.csv must hold) and the
     * best epoch so far with its test confusion matrix.
     */
    record Resumed(List<EpochRecord> rows, EpochRecord best, ConfusionMatrix bestConfusion) {
        public Resumed {
            rows = List.copyOf(rows);
        }

        public int epoch() {
            return rows.size();
        }
    }

    static TrialListener all(List<TrialListener> listeners) {
        List<TrialListener> copy = List.copyOf(listeners);
        return new TrialListener() {
            @Override
            public void onTrialStart(Trial trial) {
                copy.forEach(l -> l.onTrialStart(trial));
            }

            @Override
            public void onTrialResumed(Trial trial, Resumed from) {
                copy.forEach(l -> l.onTrialResumed(trial, from));
            }

            @Override
            public void onBatchEnd(Trial trial, int epoch, int batchesDone, int batches) {
                copy.forEach(l -> l.onBatchEnd(trial, epoch, batchesDone, batches));
            }

            @Override
            public void onEpochEnd(Trial trial, EpochRecord record, ConfusionMatrix testConfusion) {
                copy.forEach(l -> l.onEpochEnd(trial, record, testConfusion));
            }

            @Override
            public void onEpochEnd(Trial trial, EpochRecord record, ConfusionMatrix testConfusion,
                    EpochControl control) {
                copy.forEach(l -> l.onEpochEnd(trial, record, testConfusion, control));
            }

            @Override
            public void onBestEpoch(Trial trial, EpochRecord record, byte[] parameters) {
                copy.forEach(l -> l.onBestEpoch(trial, record, parameters));
            }

            @Override
            public void onBestWeightsEvaluated(Trial trial, BestWeights best) {
                copy.forEach(l -> l.onBestWeightsEvaluated(trial, best));
            }

            @Override
            public void onTrialEnd(Trial trial, int epochsCompleted, double trainingTimeS, Throwable error) {
                copy.forEach(l -> l.onTrialEnd(trial, epochsCompleted, trainingTimeS, error));
            }
        };
    }
}
