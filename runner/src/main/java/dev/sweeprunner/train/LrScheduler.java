package dev.sweeprunner.train;

import dev.sweeprunner.plan.Trial;
import dev.sweeprunner.plan.TrialConfig;
import dev.sweeprunner.records.ConfusionMatrix;
import dev.sweeprunner.records.EpochRecord;
import dev.sweeprunner.spec.LrSchedule;
import dev.sweeprunner.spec.Monitor;

/**
 * The learning-rate schedule, stepped once per epoch like PyTorch's schedulers (StepLR,
 * CosineAnnealingLR, ReduceLROnPlateau; DJL has no plateau scheduler). A listener: at each
 * epoch's end it sets the rate the next epoch trains with ({@link LearningRate}).
 */
public final class LrScheduler implements TrialListener {
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

    /** What a checkpoint keeps: the plateau rule's best value (NaN before the first epoch) and bad epochs. */
    public record State(double best, int badEpochs) {}

    @Override
    public void onEpochEnd(Trial trial, EpochRecord record, ConfusionMatrix testConfusion, EpochControl control) {
        control.setLearningRate(next(record, control.learningRate()));
    }

    /**
     * Called after epoch {@code record.epoch()}, which trained with {@code current}: the rate for
     * the next epoch, rounded to a float as the optimizer reads it.
     */
    double next(EpochRecord record, double current) {
        int done = record.epoch();
        return (float) switch (schedule) {
            case NONE -> initial;
            case STEP -> initial * Math.pow(factor, done / step);
            case COSINE -> min + (initial - min) * (1 + Math.cos(Math.PI * Math.min(done, epochs) / epochs)) / 2;
            case PLATEAU -> plateau(monitor == Monitor.VAL_LOSS ? record.valLoss() : record.valAcc(), current);
        };
    }

    public State state() {
        return new State(best, badEpochs);
    }

    public void restore(State state) {
        best = state.best();
        badEpochs = state.badEpochs();
    }

    private double plateau(double value, double current) {
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
