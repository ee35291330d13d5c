package dev.sweeprunner.train;

import dev.sweeprunner.plan.Trial;
import dev.sweeprunner.plan.TrialConfig;
import dev.sweeprunner.records.ConfusionMatrix;
import dev.sweeprunner.records.EpochRecord;
import dev.sweeprunner.spec.Monitor;

/**
 * Keras' EarlyStopping, as a listener: stop after {@code patience} epochs in a row without the
 * monitored validation metric beating its best by more than {@code minDelta}. Patience 0 never
 * stops.
 */
public final class EarlyStopping implements TrialListener {
    /** What a checkpoint keeps: the best value so far (NaN before the first epoch) and the epochs since it. */
    public record State(double best, int epochsWithout) {}

    private final int patience;
    private final Monitor monitor;
    private final double minDelta;
    private double best = Double.NaN;
    private int wait;

    EarlyStopping(int patience, Monitor monitor, double minDelta) {
        this.patience = patience;
        this.monitor = monitor;
        this.minDelta = minDelta;
    }

    public static EarlyStopping of(TrialConfig config) {
        return config.earlyStopping() == 0 ? new EarlyStopping(0, Monitor.VAL_LOSS, 0)
                : new EarlyStopping(config.earlyStopping(), config.earlyStoppingMonitor(), config.earlyStoppingMinDelta());
    }

    @Override
    public void onEpochEnd(Trial trial, EpochRecord record, ConfusionMatrix testConfusion, EpochControl control) {
        if (shouldStop(record)) {
            control.stopAfterThisEpoch();
        }
    }

    /** True when training should stop after this epoch. */
    boolean shouldStop(EpochRecord record) {
        if (patience == 0) {
            return false;
        }
        double value = monitor == Monitor.VAL_LOSS ? record.valLoss() : record.valAcc();
        if (Double.isNaN(best) || monitor.improves(value, best, minDelta)) {
            best = value;
            wait = 0;
            return false;
        }
        wait++;
        return wait >= patience;
    }

    public State state() {
        return new State(best, wait);
    }

    public void restore(State state) {
        best = state.best();
        wait = state.epochsWithout();
    }
}
