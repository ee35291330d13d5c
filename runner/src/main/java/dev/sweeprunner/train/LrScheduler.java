package dev.sweeprunner.train;

import ai.djl.training.tracker.Tracker;
import dev.sweeprunner.plan.TrialConfig;
import dev.sweeprunner.records.EpochRecord;
import dev.sweeprunner.spec.LrSchedule;
import dev.sweeprunner.spec.Monitor;

/**
 * The learning rate the optimizer reads, stepped once per epoch like PyTorch's schedulers
 * (StepLR, CosineAnnealingLR, ReduceLROnPlateau; DJL has no plateau scheduler). The optimizer
 * holds this as its tracker, so a change applies from the next batch on.
 */
public final class LrScheduler implements Tracker {
    /** ReduceLROnPlateau's defaults: relative threshold 1e-4, and no change smaller than 1e-8. */
    static final double PLATEAU_THRESHOLD = 1e-4;
    static final double PLATEAU_EPS = 1e-8;

    private final LrSchedule schedule;
    private final double initial;
    private final int epochs;
    private final int step;
    private final double factor;
    private final int patience;
    private final double min;
    private final Monitor monitor;
    private volatile float current;
    private double best = Double.NaN;
    private int badEpochs;

    LrScheduler(LrSchedule schedule, double initial, int epochs, int step, double factor, int patience, double min,
            Monitor monitor) {
        this.schedule = schedule;
        this.initial = initial;
        this.epochs = epochs;
        this.step = step;
        this.factor = factor;
        this.patience = patience;
        this.min = min;
        this.monitor = monitor;
        this.current = (float) initial;
    }

    public static LrScheduler of(TrialConfig config) {
        LrSchedule schedule = config.lrSchedule();
        boolean usesFactor = schedule == LrSchedule.STEP || schedule == LrSchedule.PLATEAU;
        return new LrScheduler(schedule, config.lr(), config.epochs(),
                schedule == LrSchedule.STEP ? config.lrStep() : 1,
                usesFactor ? config.lrFactor() : 1,
                schedule == LrSchedule.PLATEAU ? config.lrPatience() : 0,
                schedule == LrSchedule.PLATEAU || schedule == LrSchedule.COSINE ? config.lrMin() : 0,
                schedule == LrSchedule.PLATEAU ? config.lrMonitor() : Monitor.VAL_LOSS);
    }

    @Override
    public float getNewValue(int numUpdate) {
        return current;
    }

    /** The rate used for the epoch now running. */
    public double current() {
        return current;
    }

    /** Called after epoch {@code record.epoch()} ends; sets the rate for the next epoch. */
    public void epochEnded(EpochRecord record) {
        int done = record.epoch();
        current = (float) switch (schedule) {
            case NONE -> initial;
            case STEP -> initial * Math.pow(factor, done / step);
            case COSINE -> min + (initial - min) * (1 + Math.cos(Math.PI * Math.min(done, epochs) / epochs)) / 2;
            case PLATEAU -> plateau(monitor == Monitor.VAL_LOSS ? record.valLoss() : record.valAcc());
        };
    }

    private double plateau(double value) {
        boolean improved = Double.isNaN(best) || (monitor == Monitor.VAL_LOSS
                ? value < best * (1 - PLATEAU_THRESHOLD)
                : value > best * (1 + PLATEAU_THRESHOLD));
        if (improved) {
            best = value;
            badEpochs = 0;
        } else {
            badEpochs++;
        }
        double lr = current;
        if (badEpochs > patience) {
            double reduced = Math.max(lr * factor, min);
            if (lr - reduced > PLATEAU_EPS) {
                lr = reduced;
            }
            badEpochs = 0;
        }
        return lr;
    }
}
