package dev.sweeprunner.train;

import dev.sweeprunner.plan.Trial;
import dev.sweeprunner.records.ConfusionMatrix;
import dev.sweeprunner.records.EpochRecord;
import java.time.Duration;
import java.util.Locale;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * A live bar per epoch (batches) whose message is the sweep's overall line: which trial and an
 * estimated time left. Only for a terminal: CI logs and redirected output get the per-epoch lines
 * of {@link ConsoleListener} and nothing else. Fed by the training loop in this JVM or by a
 * worker's progress messages; any other output clears the bar first ({@link #clear}).
 */
public final class ProgressListener implements TrialListener {
    /** Redraws at most this often: a bar must not cost training time. */
    private static final int REDRAW_MILLIS = 250;

    private final int trials;
    private final long totalEpochs;
    private final long sweepStart = System.nanoTime();
    private int trialsDone;
    private long epochsDone;
    private int trialEpochsDone;
    private ProgressBar bar;

    public ProgressListener(int trials, long totalEpochs) {
        this.trials = trials;
        this.totalEpochs = totalEpochs;
    }

    /** True when output goes to a person: a console is attached and no CI system is driving us. */
    public static boolean interactive() {
        return System.console() != null && System.getenv("CI") == null;
    }

    @Override
    public synchronized void onTrialStart(Trial trial) {
        trialEpochsDone = 0;
    }

    @Override
    public synchronized void onBatchEnd(Trial trial, int epoch, int batchesDone, int batches) {
        if (bar == null) {
            bar = new ProgressBarBuilder().setTaskName(String.format(Locale.ROOT, "epoch %d/%d", epoch,
                    trial.config().epochs())).setInitialMax(batches)
                    .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(REDRAW_MILLIS).clearDisplayOnFinish()
                    .build();
            bar.setExtraMessage(overall());
        }
        bar.stepTo(batchesDone);
        if (batchesDone == batches) {
            clear(); // the epoch's evaluation and its line come next
            epochsDone++;
            trialEpochsDone++;
        }
    }

    @Override
    public synchronized void onEpochEnd(Trial trial, EpochRecord record, ConfusionMatrix testConfusion) {
        clear();
    }

    @Override
    public synchronized void onTrialEnd(Trial trial, int epochsCompleted, double trainingTimeS, Throwable error) {
        clear();
        trialsDone++;
        epochsDone += Math.max(0, trial.config().epochs() - trialEpochsDone); // a stopped trial's are not coming
    }

    /** Removes the bar from the screen before other output; the next batch draws it again. */
    public synchronized void clear() {
        if (bar != null) {
            bar.close();
            bar = null;
        }
    }

    /** "trial 3/7, sweep ETA 0:41:07": time per epoch so far times epochs left (trials differ, so rough). */
    private String overall() {
        String line = String.format(Locale.ROOT, "trial %d/%d", Math.min(trialsDone + 1, trials), trials);
        if (epochsDone == 0) {
            return line;
        }
        double perEpoch = (System.nanoTime() - sweepStart) / 1e9 / epochsDone;
        Duration left = Duration.ofSeconds(Math.round(perEpoch * Math.max(0, totalEpochs - epochsDone)));
        return line + String.format(Locale.ROOT, ", sweep ETA %d:%02d:%02d", left.toHours(), left.toMinutesPart(),
                left.toSecondsPart());
    }
}
