package dev.sweeprunner.cli;

import dev.sweeprunner.spec.Overrides;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Stack;
import picocli.CommandLine.IParameterConsumer;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * An experiment file and the {@code key=value} arguments after it (sweep, plan, worker), the
 * latter kept with their positions so an error can name the argument:
 * {@code <command line>:arg 3: lr: ...}. One class because picocli numbers positional
 * parameters per class: the overrides are "everything after FILE".
 */
final class ExperimentArgs {
    @Parameters(index = "0", paramLabel = "FILE", description = "experiment YAML")
    Path file;

    @Parameters(index = "1..*", paramLabel = "KEY=VALUE[,VALUE...]", parameterConsumer = Positions.class,
            description = "set a field for every trial, over the file's defaults and grid (e.g. epochs=5); "
                    + "a comma list is a grid axis (lr=1e-3,1e-4). Keys and rules as in the file")
    List<String> texts = new ArrayList<>();

    /** Parallel to {@link #texts}: how many arguments were left, this one included, when it was read. */
    final List<Integer> remaining = new ArrayList<>();

    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    Overrides overrides() {
        // picocli reads one stack of the whole command line: an argument's position after the
        // command's name is the count after that name minus what was left when it was read
        List<String> all = command.commandLine().getParseResult().originalArgs();
        int afterName = all.size() - all.indexOf(command.name()) - 1;
        List<Overrides.Argument> arguments = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            arguments.add(new Overrides.Argument(texts.get(i), afterName - remaining.get(i) + 1));
        }
        return new Overrides(arguments);
    }

    /** Takes one argument at a time and notes where it stood. */
    static final class Positions implements IParameterConsumer {
        @Override
        public void consumeParameters(Stack<String> args, ArgSpec argSpec, CommandSpec commandSpec) {
            ExperimentArgs mixin = commandSpec.mixins().values().stream()
                    .map(CommandSpec::userObject).filter(ExperimentArgs.class::isInstance).map(ExperimentArgs.class::cast)
                    .findFirst().orElseThrow();
            mixin.remaining.add(args.size());
            List<String> texts = argSpec.getValue();
            texts.add(args.pop());
        }
    }
}
