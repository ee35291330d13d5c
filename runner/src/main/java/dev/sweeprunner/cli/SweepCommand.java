package dev.sweeprunner.cli;

import ai.djl.engine.Engine;
import dev.sweeprunner.UserError;
import java.util.ArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.Map;
import java.util.Optional;
import dev.sweeprunner.train.GpuProbe;
import dev.sweeprunner.sweep.GpuAssignment;
import dev.sweeprunner.data.DatasetLocator;
import dev.sweeprunner.data.DecompressedCache;
import dev.sweeprunner.data.FashionMnist;
import dev.sweeprunner.plan.Plan;
import dev.sweeprunner.search.Search;
import dev.sweeprunner.search.AshaSource;
import dev.sweeprunner.search.TpeSource;
import dev.sweeprunner.search.TrialSource;
import dev.sweeprunner.spec.SearchSpec;
import dev.sweeprunner.plan.Shard;
import dev.sweeprunner.plan.TrialFilter;
import dev.sweeprunner.sweep.ClassArchive;
import dev.sweeprunner.train.DeviceChoice;
import dev.sweeprunner.train.InProcessRunner;
import dev.sweeprunner.sweep.Sweep;
import dev.sweeprunner.sweep.WorkerRunner;
import dev.sweeprunner.records.TrialStore;
import dev.sweeprunner.spec.ExperimentSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "sweep", description = "Run every trial of an experiment (resumes; completed trials are skipped).")
final class SweepCommand implements Callable<Integer> {
    /** Results of experiment NAME go to results/NAME unless --results says otherwise. */
    static final Path RESULTS_ROOT = Path.of("results");
    /** DJL sets PyTorch's intra-op threads from this property when its engine starts. */
    private static final String THREADS_PROPERTY = "ai.djl.pytorch.num_threads";

    @Mixin
    PlanOptions planning;

    @Mixin
    AgainstOption against;

    @Option(names = "--results", paramLabel = "DIR", description = "this experiment's results directory (default results/<name>)")
    Path results;

    @Option(names = "--device", description = "auto | cpu | gpu (default: ${DEFAULT-VALUE})", defaultValue = "auto",
            converter = DeviceConverter.class)
    DeviceChoice device;

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

    /**
     * cuDNN times several convolution algorithms on the first batch of each shape and keeps the
     * fastest: quicker epochs for fixed shapes, but the choice can differ between runs, and so can
     * the last digits. Off by default, as in PyTorch; recorded in trial.json either way.
     */
    @Option(names = "--cudnn-benchmark", description = "let cuDNN pick convolution algorithms by timing them (GPU; "
            + "faster, not bit-reproducible)")
    boolean cudnnBenchmark;

    @Option(names = "--threads", paramLabel = "T", description = "intra-op threads per worker, or of this JVM with "
            + "--workers 0 (default: cores / min(workers, trials in the plan), the same for every shard)")
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

    @Override
    public Integer call() {
        ExperimentSpec spec = planning.spec();
        Plan plan = planning.plan(spec);
        boolean tpe = spec.search().strategy() == SearchSpec.Strategy.TPE;
        boolean asha = spec.search().asha().isPresent();
        if ((tpe || asha) && (shard != null || !only.isEmpty() || retryFailed)) {
            throw new UserError((shard != null ? "--shard" : !only.isEmpty() ? "--only" : "--retry-failed")
                    + ": not with a " + (asha ? "search scheduled by ASHA" : "TPE search") + ", which decides one "
                    + "sequence of trials from the results; to share its work, start "
                    + "more sweeps on the same results directory (claims keep them apart)");
        }
        Optional<AgainstOption.Reference> reference = against.load();
        TrialFilter selection = TrialFilter.parse(only);
        selection.select(plan.trials()); // a selection that matches nothing is a user error before anything starts
        if (maxFailures != null && maxFailures < 1) {
            throw new UserError("--max-failures: must be at least 1, got " + maxFailures);
        }
        if (threads != null && threads < 1) {
            throw new UserError("--threads: must be at least 1, got " + threads);
        }
        if (device == DeviceChoice.GPU) {
            device.resolve(Engine.getInstance()); // no GPU is a user error here, not a failed trial per worker
        }
        GpuAssignment gpus = gpus(workers, device);
        int slots = workerCount(workers, gpus, GpuAssignment.mpsRunning(System.getenv()),
                Runtime.getRuntime().availableProcessors());
        if (slots == 0) {
            // read by DJL when the engine starts, which nothing in this JVM has made it do yet
            if (threads != null) {
                System.setProperty(THREADS_PROPERTY, threads.toString());
            }
            if (cudnnBenchmark) {
                System.setProperty(GpuProbe.CUDNN_BENCHMARK_PROPERTY, "true");
            }
        } else if (!gpus.none()) {
            System.out.printf("GPUs %s: %d worker(s), round robin, each sees one GPU (CUDA_VISIBLE_DEVICES)%n",
                    String.join(",", gpus.gpus()), slots);
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
        Sweep.Builder options = Sweep.Options.builder(dir).fresh(fresh).workers(slots)
                .selection(selection)
                .retryFailed(retryFailed)
                .progress(!noProgress && Sweep.interactive());
        if (shard != null) {
            options.shard(Shard.parse(shard, shardCount, System.getenv()));
        }
        if (maxFailures != null || failFast) {
            options.failurePolicy(maxFailures == null ? Integer.MAX_VALUE : maxFailures, failFast);
        }
        if (leaseSeconds != null) {
            options.lease(Duration.ofSeconds(leaseSeconds));
        }
        ClassArchive classArchive = ClassArchive.forThisJvm(
                DecompressedCache.standardDir(System.getenv(), System.getProperty("user.home")));
        AtomicInteger slotNumbers = new AtomicInteger(); // slots are made one after another: worker i gets GPU i mod n
        Sweep sweep = new Sweep(System.out, slots == 0
                ? (p, store, progress, slotsForPlan) -> new InProcessRunner(spec.name(), labelSize(p), store,
                        System.out, device, () -> FashionMnist.load(dataDir.get(), true),
                        progress == null ? List.of() : List.of(progress))
                : (p, store, progress, slotsForPlan) -> new WorkerRunner(
                        workerCommand(dataDir.get(), dir, slotsForPlan), classArchive, store, spec.name(),
                        labelSize(p), System.out, progress,
                        gpus.none() ? Map.of() : gpus.environmentFor(slotNumbers.getAndIncrement())),
                new ReportingSweepListener(System.out, reference));
        new TrialStore(dir).requireWritable();
        TrialSource proposer = null;
        if (asha) {
            SearchSpec settings = spec.search().withMaxEpochs(planning.overrides().epochs());
            AshaSource scheduler = spec.search().searches()
                    ? AshaSource.search(new Search(spec, planning.overrides()), settings, new TrialStore(dir),
                            Math.max(1, slots), System.out)
                    : AshaSource.grid(plan, settings, new TrialStore(dir), System.out);
            System.out.println(scheduler.describe());
            proposer = scheduler;
        } else if (tpe) {
            TpeSource tpeSource = new TpeSource(new Search(spec, planning.overrides()), new TrialStore(dir),
                    Math.max(1, slots), System.out);
            System.out.println(tpeSource.describe());
            proposer = tpeSource;
        }
        Sweep.Outcome outcome = sweep.run(plan, options.build(), proposer);
        System.out.println("Done: " + outcome);
        if (outcome.failed() > 0) {
            return Main.EXIT_FAILURE;
        }
        if (outcome.elsewhere() > 0) {
            System.out.println("Incomplete: " + outcome.elsewhere() + " trial(s) were being run by another live sweep "
                    + "and were skipped; sweep again once it has ended to have every result here (exit code "
                    + Main.EXIT_INCOMPLETE + ")");
            return Main.EXIT_INCOMPLETE;
        }
        return 0;
    }

    /**
     * N of the "[k/N]" trial labels: the plan's size, or for a search whose plan lists only its
     * first configurations, every configuration's trials (seeds x folds each).
     */
    private static int labelSize(Plan plan) {
        SearchSpec search = plan.spec().search();
        int listed = search.startupTrials();
        if (!search.searches() || listed == 0 || plan.trials().isEmpty()) {
            return plan.trials().size();
        }
        return Math.max(plan.trials().size(), search.trials() * Math.max(1, plan.trials().size() / listed));
    }

    /**
     * The same runner in a new JVM, with only what is per JVM on its command line (the trials come
     * over the protocol) and its share of the cores.
     */
    private List<String> workerCommand(Path dataDir, Path resultsDir, int slotsForPlan) {
        int perWorker = threads != null ? threads : threadsPerWorker(Runtime.getRuntime().availableProcessors(), slotsForPlan);
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dai.djl.offline=true", "-Djava.awt.headless=true",
                "-D" + THREADS_PROPERTY + "=" + perWorker));
        if (cudnnBenchmark) {
            command.add("-D" + GpuProbe.CUDNN_BENCHMARK_PROPERTY + "=true");
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName(), WorkerCommand.NAME,
                "--results", resultsDir.toString(), "--device", device.name().toLowerCase(Locale.ROOT),
                "--data-dir", dataDir.toString()));
        return command;
    }

    /**
     * Intra-op threads of each worker: a function of the machine and the whole plan only, never of
     * the shard or of how many trials are left, because PyTorch's reductions split differently over
     * other thread counts and the last digits of the results change: the same trial id must give
     * the same numbers however the plan is run (one shot, shards, a resume).
     */
    static int threadsPerWorker(int cores, int slotsForPlan) {
        return Math.max(1, cores / Math.max(1, slotsForPlan));
    }

    /**
     * The GPUs the workers are spread over; none when training on the CPU. Asking the engine costs
     * half a second of a core, so it is asked only when a GPU may be there and will be used.
     */
    static GpuAssignment gpus(String workers, DeviceChoice device) {
        boolean inThisJvm = workers.trim().equals("0");
        boolean gpu = device == DeviceChoice.GPU || device == DeviceChoice.AUTO && !inThisJvm && DeviceChoice.mayHaveGpu()
                && Engine.getInstance().getGpuCount() > 0;
        return gpu ? GpuAssignment.of(System.getenv(), Engine.getInstance().getGpuCount()) : new GpuAssignment(List.of());
    }

    /**
     * N (0 = in this JVM), or auto: one per core when training on the CPU; on GPUs one per GPU (two
     * under MPS), at most one per core ({@link GpuAssignment#autoWorkers}).
     */
    static int workerCount(String text, GpuAssignment gpus, boolean mps, int cores) {
        if (text.trim().equalsIgnoreCase("auto")) {
            return gpus.none() ? cores : gpus.autoWorkers(mps, cores);
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
