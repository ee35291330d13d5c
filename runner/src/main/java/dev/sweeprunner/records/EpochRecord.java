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
        double elapsedS) {}
