package dev.sweeprunner.cli;

import dev.sweeprunner.UserError;
import dev.sweeprunner.plan.Plan;
import dev.sweeprunner.plan.PlanOverrides;
import dev.sweeprunner.plan.Planner;
import dev.sweeprunner.spec.ExperimentSpec;
import dev.sweeprunner.spec.SpecParser;
import java.nio.file.Path;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * What every command that plans takes: the experiment file and the settings that replace the
 * file's. Declared once here (a picocli mixin) so that {@code plan} shows exactly the trials
 * {@code sweep} runs; a new override is one option here plus its field in {@link PlanOverrides}.
 * Worker JVMs take none of these: they are sent resolved trials.
 */
final class PlanOptions {
    /** Fewer images than this cannot hold out a validation split and still fill a batch. */
    static final int MIN_TRAIN_LIMIT = 100;

    @Parameters(paramLabel = "FILE", description = "experiment YAML")
    Path file;

    @Option(names = "--epochs", description = "override every trial's epochs")
    Integer epochs;

    @Option(names = "--train-limit", paramLabel = "N", description = "train on the first N training images (smoke runs)")
    Integer trainLimit;

    @Option(names = "--max-trials", paramLabel = "N", description = "refuse a grid of more than N trials "
            + "(default: " + PlanOverrides.DEFAULT_MAX_TRIALS + "; it is counted before it is expanded)")
    Long maxTrials;

    /** Checks the overrides the way the file's values are checked. */
    PlanOverrides overrides() {
        if (maxTrials != null && maxTrials < 1) {
            throw new UserError("--max-trials: must be at least 1, got " + maxTrials);
        }
        if (epochs != null && epochs < 1) {
            throw new UserError("--epochs: must be at least 1, got " + epochs);
        }
        if (trainLimit != null && trainLimit < MIN_TRAIN_LIMIT) {
            throw new UserError("--train-limit: must be at least " + MIN_TRAIN_LIMIT + ", got " + trainLimit);
        }
        return new PlanOverrides(epochs, trainLimit, maxTrials == null ? PlanOverrides.DEFAULT_MAX_TRIALS : maxTrials);
    }

    ExperimentSpec spec() {
        return SpecParser.parse(file);
    }

    Plan plan(ExperimentSpec spec) {
        return Planner.plan(spec, overrides());
    }
}
