package dev.sweeprunner.run;

import dev.sweeprunner.plan.Trial;
import dev.sweeprunner.records.ConfusionMatrix;
import dev.sweeprunner.records.EpochRecord;
import java.time.Duration;
import java.util.Locale;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * A live bar per epoch (batches) whose message is the sweep's overall line: trials done and an
 * estimated time left. Only for a terminal: CI logs and redirected output get the per-epoch lines
 * of {@link ConsoleListener} and nothing else.
 */
final class ProgressListener implements TrialListener {
    /** Redraws at most this often: a bar must not cost training time. */
    private static final int REDRAW_MILLIS = 250;

    private final int trials;
    private final long totalEpochs;
    private final long sweepStart = System.nanoTime();
    private int trialsDone;
    private long epochsDone;
    private ProgressBar bar;

    ProgressListener(int trials, long totalEpochs) {
        this.trials = trials;
        this.totalEpochs = totalEpochs;
    }

    /** True when output goes to a person: a console is attached and no CI system is driving us. */
    static boolean interactive() {
        return System.console() != null && System.getenv("CI") == null;
    }

    @Override
    public void onBatchEnd(Trial trial, int epoch, int batchesDone, int batches) {
        if (bar == null) {
            bar = new ProgressBarBuilder().setTaskName(String.format(Locale.ROOT, "epoch %d/%d", epoch,
                    trial.config().epochs())).setInitialMax(batches)
                    .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(REDRAW_MILLIS).clearDisplayOnFinish()
                    .build();
            bar.setExtraMessage(overall());
        }
        bar.stepTo(batchesDone);
    }

    @Override
    public void onEpochEnd(Trial trial, EpochRecord record, ConfusionMatrix testConfusion) {
        closeBar();
        epochsDone++;
    }

    @Override
    public void onTrialEnd(Trial trial, int epochsCompleted, double trainingTimeS, Throwable error) {
        closeBar();
        trialsDone++;
        epochsDone += trial.config().epochs() - epochsCompleted; // a failed trial's epochs are not coming
    }

    /** "trial 3/7, sweep ETA 0:41:07": time per epoch so far times epochs left (trials differ, so rough). */
    private String overall() {
        String line = String.format(Locale.ROOT, "trial %d/%d", Math.min(trialsDone + 1, trials), trials);
        if (epochsDone == 0) {
            return line;
        }
        double perEpoch = (System.nanoTime() - sweepStart) / 1e9 / epochsDone;
        Duration left = Duration.ofSeconds(Math.round(perEpoch * (totalEpochs - epochsDone)));
        return line + String.format(Locale.ROOT, ", sweep ETA %d:%02d:%02d", left.toHours(), left.toMinutesPart(),
                left.toSecondsPart());
    }

    private void closeBar() {
        if (bar != null) {
            bar.close();
            bar = null;
        }
    }
}
