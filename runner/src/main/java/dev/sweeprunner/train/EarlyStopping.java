package dev.sweeprunner.train;

import dev.sweeprunner.plan.TrialConfig;
import dev.sweeprunner.records.EpochRecord;
import dev.sweeprunner.spec.Monitor;

/**
 * Keras' EarlyStopping: stop after {@code patience} epochs in a row without the monitored
 * validation metric beating its best by more than {@code minDelta}. Patience 0 never stops.
 */
public final class EarlyStopping {
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

    /** True when training should stop after this epoch. */
    public boolean shouldStop(EpochRecord record) {
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
}
