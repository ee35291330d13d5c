package dev.sweeprunner.records;

/** Metrics of one epoch. Accuracies are fractions 0-1, times in seconds. */
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
        double elapsedS) {

    /**
     * The one rule for "best epoch": higher validation accuracy, the earlier epoch on a tie. The
     * test set never picks the epoch, so best-epoch test numbers stay honest.
     */
    public boolean improvesOn(EpochRecord best) {
        return best == null || valAcc > best.valAcc;
    }
}
