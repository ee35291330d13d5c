package dev.sweeprunner.train;

import dev.sweeprunner.plan.Trial;
import dev.sweeprunner.plan.TrialConfig;
import dev.sweeprunner.spec.Precision;
import dev.sweeprunner.records.BestWeights;
import dev.sweeprunner.records.ConfusionMatrix;
import dev.sweeprunner.records.EpochRecord;
import java.io.PrintStream;
import java.util.Locale;

/** One line when a trial starts and one per epoch: readable live, and in a CI log. */
final class ConsoleListener implements TrialListener {
    private final PrintStream out;
    private final int trialCount;

    ConsoleListener(PrintStream out, int trialCount) {
        this.out = out;
        this.trialCount = trialCount;
    }

    @Override
    public void onTrialStart(Trial trial) {
        TrialConfig c = trial.config();
        out.printf(Locale.ROOT, "[%d/%d] trial %s: %s %s%s (%,d params), %s lr %s, batch %d, %d epochs, seed %d%s%s%n",
                trial.index() + 1, trialCount, trial.id(), c.arch().yamlName(),
                c.budget() == null ? "" : "budget " + c.budget() + " -> ", trial.network().describe(),
                trial.params(), c.optimizer().yamlName(), c.lr(), c.batchSize(), c.epochs(), c.seed(),
                c.fold() == null ? "" : ", fold " + c.fold() + "/" + c.folds(),
                c.precision() == Precision.FP32 ? "" : ", " + c.precision().yamlName());
    }

    @Override
    public void onTrialResumed(Trial trial, Resumed from) {
        out.printf(Locale.ROOT, "  %s resumed from its checkpoint after epoch %d (best so far: epoch %d)%n", trial.id(),
                from.epoch(), from.best().epoch());
    }

    @Override
    public void onEpochEnd(Trial trial, EpochRecord r, ConfusionMatrix testConfusion) {
        out.printf(Locale.ROOT,
                "  %s epoch %3d/%d  train loss %.4f acc %5.2f%%  val loss %.4f acc %5.2f%%  test acc %5.2f%%  %6.1fs%n",
                trial.id(), r.epoch(), trial.config().epochs(), r.trainLoss(), 100 * r.trainAcc(), r.valLoss(),
                100 * r.valAcc(), 100 * r.testAcc(), r.epochTimeS());
        out.flush();
    }

    @Override
    public void onBestWeightsEvaluated(Trial trial, BestWeights best) {
        out.printf(Locale.ROOT, "  %s %sbest epoch %d by %s: test acc %5.2f%% with its weights (best.params)%n",
                trial.id(), best.stoppedEarly() ? "stopped early; " : "", best.epoch(), best.bestBy(),
                100 * best.testAcc());
    }

    @Override
    public void onTrialEnd(Trial trial, int epochsCompleted, double trainingTimeS, Throwable error) {
        if (error != null) {
            out.printf(Locale.ROOT, "  %s %s after %d epochs: %s%n", trial.id(),
                    TrialStopped.statusOf(error).csvName().toUpperCase(Locale.ROOT), epochsCompleted,
                    error instanceof TrialStopped ? error.getMessage() : error.toString());
        }
    }
}
