package dev.sweeprunner.train;

import dev.sweeprunner.spec.DatasetShape;
import dev.sweeprunner.plan.Trial;
import dev.sweeprunner.records.BestWeights;
import dev.sweeprunner.records.ConfusionMatrix;
import dev.sweeprunner.records.EpochConfusion;
import dev.sweeprunner.records.EpochRecord;
import dev.sweeprunner.records.Provenance;
import dev.sweeprunner.records.TrialRecord;
import dev.sweeprunner.records.TrialStatus;
import dev.sweeprunner.records.TrialStore;
import java.time.Instant;
import java.util.List;

/**
 * Writes trial.json at start and end, each epoch's row to the trial's epochs.csv as it ends, and
 * confusion.csv with the test confusion matrices of the best epoch so far and of the last epoch,
 * and best.params with the best epoch's weights (git-ignored: results stay small).
 */
public final class RecordingListener implements TrialListener {

    private final TrialStore store;
    private final String experiment;
    private final Provenance provenance;
    private TrialRecord record;
    private TrialStore.EpochWriter epochs;
    private int bestEpoch;
    private EpochConfusion best;

    RecordingListener(TrialStore store, String experiment, Provenance provenance) {
        this.store = store;
        this.experiment = experiment;
        this.provenance = provenance;
    }

    @Override
    public void onTrialStart(Trial trial) {
        record = started(trial, experiment, provenance);
        store.write(record);
        epochs = store.openEpochs(record);
        bestEpoch = 0;
        best = null;
    }

    /** epochs.csv again holds exactly the checkpoint's epochs (rows a dying process added after it go). */
    @Override
    public void onTrialResumed(Trial trial, Resumed from) {
        from.rows().forEach(epochs::append);
        bestEpoch = from.best().epoch();
        best = new EpochConfusion(EpochConfusion.At.BEST, bestEpoch, from.bestConfusion());
    }

    /** Told before the same epoch's {@link #onEpochEnd}. */
    @Override
    public void onBestEpoch(Trial trial, EpochRecord row, byte[] parameters) {
        store.writeBestParameters(trial.id(), parameters);
        bestEpoch = row.epoch();
    }

    @Override
    public void onEpochEnd(Trial trial, EpochRecord row, ConfusionMatrix testConfusion) {
        epochs.append(row);
        if (row.epoch() == bestEpoch) {
            best = new EpochConfusion(EpochConfusion.At.BEST, row.epoch(), testConfusion);
        }
        EpochConfusion last = new EpochConfusion(EpochConfusion.At.LAST, row.epoch(), testConfusion);
        store.writeConfusion(trial.id(), DatasetShape.CLASS_NAMES, List.of(best, last));
    }

    @Override
    public void onBestWeightsEvaluated(Trial trial, BestWeights bestWeights) {
        record = record.withBestWeights(bestWeights);
    }

    @Override
    public void onTrialEnd(Trial trial, int epochsCompleted, double trainingTimeS, Throwable error) {
        if (epochs != null) {
            epochs.close();
            epochs = null;
        }
        if (record != null) {
            TrialStatus status = TrialStopped.statusOf(error);
            String message = error == null ? null
                    : error instanceof TrialStopped ? error.getMessage()
                    : error.getClass().getSimpleName() + ": " + error.getMessage();
            store.write(record.finished(status, epochsCompleted, trainingTimeS, Instant.now().toString(), message));
            record = null;
        }
    }

    /** The record of a trial that has just started (also written for a worker that died first). */
    public static TrialRecord started(Trial trial, String experiment, Provenance provenance) {
        return new TrialRecord(trial.id(), trial.configHash(), experiment, trial.index(), trial.config().toMap(),
                trial.params(), trial.network().widths(), trial.network().describe(), TrialStatus.RUNNING, 0, 0,
                Instant.now().toString(), null, null, provenance, null);
    }
}
