package dev.sweeprunner.report;

import dev.sweeprunner.records.EpochRecord;
import dev.sweeprunner.records.TrialRecord;
import java.util.List;
import java.util.Locale;

/** One trial's line in summary.csv, derived from its record and epoch rows alone. */
public record SummaryRow(
        String model,
        long weights,
        String lr,
        int epochs,
        String dropout,
        double valAcc,
        double testAcc,
        double trainingTimeS,
        String trialId,
        String arch,
        String budget,
        String optimizer,
        String init,
        String batchSize,
        String seed,
        Integer bestEpoch,
        Integer epochsTo88,
        String device,
        String status) {

    /** The test accuracy Table 1's headline is about: "reaches 88% in 4 epochs". */
    public static final double HEADLINE_ACCURACY = 0.88;

    public static SummaryRow of(TrialRecord trial, List<EpochRecord> epochs) {
        EpochRecord last = epochs.isEmpty() ? null : epochs.get(epochs.size() - 1);
        Integer best = null;
        double bestVal = Double.NEGATIVE_INFINITY;
        Integer to88 = null;
        for (EpochRecord e : epochs) {
            if (e.valAcc() > bestVal) {
                bestVal = e.valAcc();
                best = e.epoch();
            }
            if (to88 == null && e.testAcc() >= HEADLINE_ACCURACY) {
                to88 = e.epoch();
            }
        }
        return new SummaryRow(
                trial.setting("arch").toUpperCase(Locale.ROOT),
                trial.params(),
                trial.setting("lr"),
                epochs.size(),
                trial.setting("dropout"),
                last == null ? Double.NaN : last.valAcc(),
                last == null ? Double.NaN : last.testAcc(),
                last == null ? trial.trainingTimeS() : last.elapsedS(),
                trial.trialId(),
                trial.setting("arch"),
                trial.setting("budget"),
                trial.setting("optimizer"),
                trial.setting("init"),
                trial.setting("batch_size"),
                trial.setting("seed"),
                best,
                to88,
                trial.provenance() == null ? "" : trial.provenance().device(),
                trial.status().csvName());
    }
}
