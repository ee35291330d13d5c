package dev.sweeprunner.run;

import dev.sweeprunner.plan.Trial;
import dev.sweeprunner.records.EpochRecord;
import dev.sweeprunner.records.Provenance;
import dev.sweeprunner.records.TrialRecord;
import dev.sweeprunner.records.TrialStatus;
import dev.sweeprunner.records.TrialStore;
import java.time.Instant;

/** Writes trial.json at start and end, and each epoch's row to the trial's epochs.csv as it ends. */
final class RecordingListener implements TrialListener {
    private final TrialStore store;
    private final String experiment;
    private final Provenance provenance;
    private TrialRecord record;
    private TrialStore.EpochWriter epochs;

    RecordingListener(TrialStore store, String experiment, Provenance provenance) {
        this.store = store;
        this.experiment = experiment;
        this.provenance = provenance;
    }

    @Override
    public void onTrialStart(Trial trial) {
        record = new TrialRecord(trial.id(), trial.configHash(), experiment, trial.index(), trial.config().toMap(),
                trial.params(), trial.shape().widths(), trial.shape().describe(), TrialStatus.RUNNING, 0, 0,
                Instant.now().toString(), null, null, provenance);
        store.write(record);
        epochs = store.openEpochs(record);
    }

    @Override
    public void onEpochEnd(Trial trial, EpochRecord row) {
        epochs.append(row);
    }

    @Override
    public void onTrialEnd(Trial trial, int epochsCompleted, double trainingTimeS, Throwable error) {
        if (epochs != null) {
            epochs.close();
            epochs = null;
        }
        if (record != null) {
            TrialStatus status = error == null ? TrialStatus.COMPLETED : TrialStatus.FAILED;
            String message = error == null ? null : error.getClass().getSimpleName() + ": " + error.getMessage();
            store.write(record.finished(status, epochsCompleted, trainingTimeS, Instant.now().toString(), message));
            record = null;
        }
    }
}
