package dev.sweeprunner.cli;

import dev.sweeprunner.data.DatasetLocator;
import dev.sweeprunner.data.FashionMnist;
import dev.sweeprunner.plan.Plan;
import dev.sweeprunner.plan.Planner;
import dev.sweeprunner.run.DeviceChoice;
import dev.sweeprunner.run.Sweep;
import dev.sweeprunner.spec.ExperimentSpec;
import dev.sweeprunner.spec.SpecParser;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "sweep", description = "Run every trial of an experiment (resumes; completed trials are skipped).")
final class SweepCommand implements Callable<Integer> {
    /** Results of experiment NAME go to results/NAME unless --results says otherwise. */
    static final Path RESULTS_ROOT = Path.of("results");

    @Parameters(paramLabel = "FILE", description = "experiment YAML")
    Path file;

    @Option(names = "--results", paramLabel = "DIR", description = "this experiment's results directory (default results/<name>)")
    Path results;

    @Option(names = "--device", description = "auto | cpu | gpu (default: ${DEFAULT-VALUE})", defaultValue = "auto",
            converter = DeviceConverter.class)
    DeviceChoice device;

    @Option(names = "--epochs", description = "override every trial's epochs")
    Integer epochs;

    @Option(names = "--train-limit", paramLabel = "N", description = "train on the first N training images (smoke runs)")
    Integer trainLimit;

    @Option(names = "--fresh", description = "move earlier results aside and start over")
    boolean fresh;

    @Option(names = "--no-progress", description = "no live progress bar (it is shown only on a terminal, never in CI)")
    boolean noProgress;

    @Mixin
    DataOptions data;

    @Override
    public Integer call() {
        ExperimentSpec spec = SpecParser.parse(file);
        Plan plan = Planner.plan(spec, CliOverrides.of(epochs, trainLimit));
        Path dir = results != null ? results : RESULTS_ROOT.resolve(spec.name());
        Sweep sweep = new Sweep(System.out, () -> {
            DatasetLocator.Found found = data.locate(spec.data().dir());
            System.out.println("Fashion-MNIST: " + found.dir() + " (" + found.source() + ")");
            return FashionMnist.load(found.dir(), true);
        });
        Sweep.Outcome outcome = sweep.run(plan, new Sweep.Options(dir, device, fresh, !noProgress && Sweep.interactive()));
        System.out.printf("Done: %d trained, %d already completed, %d failed%n", outcome.trained(), outcome.skipped(),
                outcome.failed());
        return outcome.failed() > 0 ? Main.EXIT_FAILURE : 0;
    }

    /** Accepts auto/cpu/gpu in any case; anything else is a usage error (exit 2). */
    static final class DeviceConverter implements picocli.CommandLine.ITypeConverter<DeviceChoice> {
        @Override
        public DeviceChoice convert(String value) {
            return ReportCommand.parse(DeviceChoice.class, value, "auto, cpu or gpu");
        }
    }
}
