package dev.sweeprunner.report;

import dev.sweeprunner.records.EpochConfusion;
import dev.sweeprunner.records.EpochRecord;
import dev.sweeprunner.records.TrialRecord;
import dev.sweeprunner.spec.Monitor;
import java.util.List;
import java.util.Optional;

/** One trial as read back from its directory: record, epoch rows and confusion matrices. */
public record TrialResult(TrialRecord trial, List<EpochRecord> epochs, List<EpochConfusion> confusions) {
    public TrialResult {
        epochs = List.copyOf(epochs);
        confusions = List.copyOf(confusions);
    }

    public Optional<EpochRecord> last() {
        return epochs.isEmpty() ? Optional.empty() : Optional.of(epochs.get(epochs.size() - 1));
    }

    /** The best epoch by the trial's {@code best_by}: the rule the run used for confusion.csv and best.params. */
    public Optional<EpochRecord> best() {
        Monitor by = Monitor.VAL_LOSS.yamlName().equals(trial.setting("best_by")) ? Monitor.VAL_LOSS : Monitor.VAL_ACC;
        return EpochRecord.best(epochs, by);
    }

    public Optional<EpochRecord> epoch(int epoch) {
        return epochs.stream().filter(e -> e.epoch() == epoch).findFirst();
    }

    public Optional<EpochConfusion> confusion(EpochConfusion.At at) {
        return confusions.stream().filter(c -> c.at() == at).findFirst();
    }

    public String id() {
        return trial.trialId();
    }
}
