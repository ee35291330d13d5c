package dev.sweeprunner.records;

import dev.sweeprunner.spec.Monitor;

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
     * The one rule for "best epoch": higher validation accuracy, the earlier epoch on a tie. The
     * test set never picks the epoch, so best-epoch test numbers stay honest.
     */
    public boolean improvesOn(EpochRecord best) {
        return improvesOn(best, Monitor.VAL_ACC);
    }

    /** The same rule by a chosen metric: higher val_acc or lower val_loss; ties keep the earlier epoch. */
    public boolean improvesOn(EpochRecord best, Monitor by) {
        if (best == null) {
            return true;
        }
        return by == Monitor.VAL_LOSS ? valLoss < best.valLoss : valAcc > best.valAcc;
    }
}
