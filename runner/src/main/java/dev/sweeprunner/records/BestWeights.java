package dev.sweeprunner.records;

/**
 * The test set evaluated once more after training, with the weights of the best epoch (by
 * {@code bestBy}) reloaded from {@code best.params}. {@code stoppedEarly}: early stopping ended
 * the trial before its last planned epoch.
 */
public record BestWeights(int epoch, String bestBy, double testLoss, double testAcc, boolean stoppedEarly) {}
