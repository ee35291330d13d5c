package dev.sweeprunner.records;

import dev.sweeprunner.spec.Monitor;
import java.util.List;
import java.util.Optional;

/**
 * Metrics of one epoch. Accuracies are fractions 0-1, times in seconds. {@code gpuMemoryMib} is
 * the most device memory in use seen during the epoch (NaN on the CPU: an empty CSV cell).
 */
public record EpochRecord(
        String trialId,
        int epoch,
        double trainLoss,
        double trainAcc,
        double valLoss,
        double valAcc,
        double testLoss,
        double testAcc,
        double lr,
        double epochTimeS,
        double elapsedS,
        double gpuMemoryMib) {

    /** An epoch that used no GPU. */
    public EpochRecord(String trialId, int epoch, double trainLoss, double trainAcc, double valLoss, double valAcc,
            double testLoss, double testAcc, double lr, double epochTimeS, double elapsedS) {
        this(trialId, epoch, trainLoss, trainAcc, valLoss, valAcc, testLoss, testAcc, lr, epochTimeS, elapsedS,
                Double.NaN);
    }

    /**
     * The one rule for "best epoch", by a chosen validation metric: higher val_acc or lower
     * val_loss; ties keep the earlier epoch. The test set never picks the epoch, so best-epoch test
     * numbers stay honest. Training (as epochs end), {@code evaluate} and the report all use it.
     */
    public boolean improvesOn(EpochRecord best, Monitor by) {
        if (best == null) {
            return true;
        }
        return by == Monitor.VAL_LOSS ? valLoss < best.valLoss : valAcc > best.valAcc;
    }

    /** The best of a trial's epochs in order, by {@link #improvesOn}; empty when there are none. */
    public static Optional<EpochRecord> best(List<EpochRecord> epochs, Monitor by) {
        EpochRecord best = null;
        for (EpochRecord e : epochs) {
            if (e.improvesOn(best, by)) {
                best = e;
            }
        }
        return Optional.ofNullable(best);
    }
}
