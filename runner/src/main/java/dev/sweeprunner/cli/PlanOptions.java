package dev.sweeprunner.cli;

import dev.sweeprunner.UserError;
import dev.sweeprunner.plan.Plan;
import dev.sweeprunner.plan.PlanOverrides;
import dev.sweeprunner.search.Search;
import dev.sweeprunner.spec.ExperimentSpec;
import dev.sweeprunner.spec.Overrides;
import dev.sweeprunner.spec.SpecParser;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Stack;
import picocli.CommandLine.IParameterConsumer;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * What every command that plans takes: the experiment file and the settings that replace the
 * file's. Declared once here (a picocli mixin) so that {@code plan} shows exactly the trials
 * {@code sweep} runs; a new override is one option here plus its field in {@link PlanOverrides}.
 * Worker JVMs take none of these: they are sent resolved trials.
 */
final class PlanOptions {
    /** Fewer images than this cannot hold out a validation split and still fill a batch. */
    static final int MIN_TRAIN_LIMIT = 100;

    @Parameters(index = "0", paramLabel = "FILE", description = "experiment YAML")
    Path file;

    /** {@code key=value} arguments after FILE, kept with their positions for errors (see {@link Overrides}). */
    @Parameters(index = "1..*", paramLabel = "KEY=VALUE[,VALUE...]", parameterConsumer = Positions.class,
            description = "set a field for every trial, over the file's defaults and grid (e.g. epochs=5); "
                    + "a comma list is a grid axis (lr=1e-3,1e-4). Keys and rules as in the file")
    List<String> settings = new ArrayList<>();

    /** Parallel to {@link #settings}: how many arguments were left, this one included, when it was read. */
    final List<Integer> remaining = new ArrayList<>();

    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

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
        return SpecParser.parse(file, settings());
    }

    /**
     * The {@code key=value} arguments with their positions after the command's name (1 = FILE),
     * so an error can say {@code <command line>:arg 3: lr: ...}. picocli reads one stack of the
     * whole command line: the position is the count after the name minus what was left when the
     * argument was read.
     */
    Overrides settings() {
        List<String> all = command.commandLine().getParseResult().originalArgs();
        int afterName = all.size() - all.indexOf(command.name()) - 1;
        List<Overrides.Argument> arguments = new ArrayList<>();
        for (int i = 0; i < settings.size(); i++) {
            arguments.add(new Overrides.Argument(settings.get(i), afterName - remaining.get(i) + 1));
        }
        return new Overrides(arguments);
    }

    /** Takes one {@code key=value} argument at a time and notes where it stood. */
    static final class Positions implements IParameterConsumer {
        @Override
        public void consumeParameters(Stack<String> args, ArgSpec argSpec, CommandSpec commandSpec) {
            PlanOptions mixin = commandSpec.mixins().values().stream()
                    .map(CommandSpec::userObject).filter(PlanOptions.class::isInstance).map(PlanOptions.class::cast)
                    .findFirst().orElseThrow();
            mixin.remaining.add(args.size());
            List<String> values = argSpec.getValue();
            values.add(args.pop());
        }
    }

    /** A grid's trials, or a search's first ones (a TPE search proposes the rest as results come in). */
    Plan plan(ExperimentSpec spec) {
        return Search.plan(spec, overrides());
    }
}
