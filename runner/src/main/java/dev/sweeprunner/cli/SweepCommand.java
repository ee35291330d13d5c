package dev.sweeprunner.cli;

import ai.djl.engine.Engine;
import dev.sweeprunner.UserError;
import dev.sweeprunner.data.DatasetLocator;
import dev.sweeprunner.data.DecompressedCache;
import dev.sweeprunner.data.FashionMnist;
import dev.sweeprunner.plan.Plan;
import dev.sweeprunner.plan.Planner;
import dev.sweeprunner.plan.Shard;
import dev.sweeprunner.plan.TrialFilter;
import dev.sweeprunner.sweep.ClassArchive;
import dev.sweeprunner.train.DeviceChoice;
import dev.sweeprunner.train.InProcessRunner;
import dev.sweeprunner.sweep.Sweep;
import dev.sweeprunner.sweep.WorkerRunner;
import dev.sweeprunner.spec.ExperimentSpec;
import dev.sweeprunner.spec.SpecParser;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "sweep", description = "Run every trial of an experiment (resumes; completed trials are skipped).")
final class SweepCommand implements Callable<Integer> {
    /** Results of experiment NAME go to results/NAME unless --results says otherwise. */
    static final Path RESULTS_ROOT = Path.of("results");
    /** DJL sets PyTorch's intra-op threads from this property when its engine starts. */
    private static final String THREADS_PROPERTY = "ai.djl.pytorch.num_threads";

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

    /**
     * auto: one worker per core on a CPU (measured: two one-thread workers beat one two-thread
     * worker on this 2-core machine for both the FCN and the CNN, see README), one on a GPU.
     */
    @Option(names = "--workers", paramLabel = "N|auto", defaultValue = "auto", description = "trials at once, each "
            + "in its own worker JVM (default: ${DEFAULT-VALUE} = one per core on a CPU, one on a GPU; 0 = in this "
            + "JVM, no isolation)")
    String workers;

    @Option(names = "--threads", paramLabel = "T", description = "intra-op threads per worker, or of this JVM with "
            + "--workers 0 (default: cores / trials running at once)")
    Integer threads;

    @Option(names = "--shard", paramLabel = "I/N|auto", description = "run shard I of N of the plan; auto reads Slurm "
            + "array or Kubernetes Indexed Job variables")
    String shard;

    @Option(names = "--shard-count", paramLabel = "N", description = "shard count for --shard auto on Kubernetes "
            + "(default: env " + Shard.COUNT_VARIABLE + ")")
    Integer shardCount;

    @Option(names = "--only", paramLabel = "KEY=VALUE[,VALUE]", description = "run only the trials with these "
            + "settings (repeatable; keys as in the file, e.g. --only batch_size=64 --only fold=1,2)")
    List<String> only = List.of();

    @Option(names = "--retry-failed", description = "run only the trials that failed or were interrupted")
    boolean retryFailed;

    @Option(names = "--max-failures", paramLabel = "N", description = "start no new trial after N failures")
    Integer maxFailures;

    @Option(names = "--fail-fast", description = "stop the whole sweep at the first failed trial")
    boolean failFast;

    @Option(names = "--lease-seconds", hidden = true, description = "claim lease (tests)")
    Long leaseSeconds;

    @Option(names = "--no-progress", description = "no live progress bar (it is shown only on a terminal, never in CI)")
    boolean noProgress;

    @Mixin
    DataOptions data;

    @Mixin
    AgainstOption against;

    @Mixin
    ExperimentArgs experiment;

    @Override
    public Integer call() {
        ExperimentSpec spec = SpecParser.parse(experiment.file, experiment.overrides());
        Plan plan = Planner.plan(spec, CliOverrides.of(epochs, trainLimit));
        Optional<AgainstOption.Reference> reference = against.load();
        TrialFilter selection = TrialFilter.parse(only);
        selection.select(plan.trials()); // a selection that matches nothing is a user error before anything starts
        if (maxFailures != null && maxFailures < 1) {
            throw new UserError("--max-failures: must be at least 1, got " + maxFailures);
        }
        if (threads != null && threads < 1) {
            throw new UserError("--threads: must be at least 1, got " + threads);
        }
        int slots = workerCount(workers, device); // 0 (this JVM) starts no engine to decide
        if (threads != null && slots == 0) {
            // read by DJL when the engine starts, which nothing in this JVM has made it do yet
            System.setProperty(THREADS_PROPERTY, threads.toString());
        }
        if (device == DeviceChoice.GPU) {
            device.resolve(Engine.getInstance()); // no GPU is a user error here, not a failed trial per worker
        }
        Path dir = results != null ? results : RESULTS_ROOT.resolve(spec.name());
        // found (or downloaded and verified) once, here, and only if a trial is left to run
        Supplier<Path> dataDir = new Supplier<>() {
            private Path found;

            @Override
            public synchronized Path get() {
                if (found == null) {
                    DatasetLocator.Found located = data.locate(spec.data().dir());
                    System.out.println("Fashion-MNIST: " + located.dir() + " (" + located.source() + ")");
                    found = located.dir();
                }
                return found;
            }
        };
        Sweep.Options options = Sweep.Options.defaults(dir).withFresh(fresh).withWorkers(slots)
                .withShard(shard == null ? Shard.ALL : Shard.parse(shard, shardCount, System.getenv()))
                .withSelection(selection)
                .withRetryFailed(retryFailed)
                .withFailurePolicy(maxFailures == null ? Integer.MAX_VALUE : maxFailures, failFast)
                .withProgress(!noProgress && Sweep.interactive())
                .withLease(leaseSeconds == null ? Sweep.DEFAULT_LEASE : Duration.ofSeconds(leaseSeconds));
        ClassArchive classArchive = ClassArchive.forThisJvm(
                DecompressedCache.standardDir(System.getenv(), System.getProperty("user.home")));
        Sweep sweep = new Sweep(System.out, slots == 0
                ? (p, store, progress, running) -> new InProcessRunner(p, store, System.out, device,
                        () -> FashionMnist.load(dataDir.get(), true), progress == null ? List.of() : List.of(progress))
                : (p, store, progress, running) -> new WorkerRunner(workerCommand(dataDir.get(), dir, running),
                        classArchive, store, spec.name(), System.out, progress),
                new ReportingSweepListener(System.out, reference));
        Sweep.Outcome outcome = sweep.run(plan, options);
        System.out.println("Done: " + outcome);
        return outcome.failed() > 0 ? Main.EXIT_FAILURE : 0;
    }

    /** The same runner, in a new JVM, with this sweep's plan settings and its share of the cores. */
    private List<String> workerCommand(Path dataDir, Path resultsDir, int running) {
        int perWorker = threads != null ? threads : Math.max(1, Runtime.getRuntime().availableProcessors() / running);
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dai.djl.offline=true", "-Djava.awt.headless=true",
                "-D" + THREADS_PROPERTY + "=" + perWorker,
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), WorkerCommand.NAME,
                experiment.file.toString(),
                "--results", resultsDir.toString(), "--device", device.name().toLowerCase(Locale.ROOT),
                "--data-dir", dataDir.toString()));
        command.addAll(experiment.texts); // checked here already; the worker must plan the same trials
        if (epochs != null) {
            command.addAll(List.of("--epochs", epochs.toString()));
        }
        if (trainLimit != null) {
            command.addAll(List.of("--train-limit", trainLimit.toString()));
        }
        return command;
    }

    /** N (0 = in this JVM), or auto: one per core when training on the CPU, one on a GPU. */
    static int workerCount(String text, DeviceChoice device) {
        if (text.trim().equalsIgnoreCase("auto")) {
            boolean gpu = device == DeviceChoice.GPU
                    || device == DeviceChoice.AUTO && DeviceChoice.mayHaveGpu() && Engine.getInstance().getGpuCount() > 0;
            return gpu ? 1 : Runtime.getRuntime().availableProcessors();
        }
        try {
            int count = Integer.parseInt(text.trim());
            if (count >= 0) {
                return count;
            }
        } catch (NumberFormatException e) {
            // falls through to the message below
        }
        throw new UserError("--workers: expected auto, 0 (this JVM) or a number of worker JVMs, got '" + text + "'");
    }

    /** Accepts auto/cpu/gpu in any case; anything else is a usage error (exit 2). */
    static final class DeviceConverter implements picocli.CommandLine.ITypeConverter<DeviceChoice> {
        @Override
        public DeviceChoice convert(String value) {
            return ReportCommand.parse(DeviceChoice.class, value, "auto, cpu or gpu");
        }
    }
}
