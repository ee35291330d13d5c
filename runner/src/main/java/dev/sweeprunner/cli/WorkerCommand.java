package dev.sweeprunner.cli;

import ai.djl.engine.Engine;
import dev.sweeprunner.data.FashionMnist;
import dev.sweeprunner.plan.Plan;
import dev.sweeprunner.plan.Planner;
import dev.sweeprunner.records.TrialStore;
import dev.sweeprunner.train.DeviceChoice;
import dev.sweeprunner.train.InProcessRunner;
import dev.sweeprunner.sweep.WorkerLoop;
import dev.sweeprunner.spec.SpecParser;
import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Started by {@code sweep}: trains the trials the sweep names on stdin (see WorkerProtocol). */
@Command(name = WorkerCommand.NAME, hidden = true, description = "(internal) a sweep's worker JVM")
final class WorkerCommand implements Callable<Integer> {
    static final String NAME = "worker";

    @Option(names = "--results", required = true)
    Path results;

    @Option(names = "--device", defaultValue = "auto", converter = SweepCommand.DeviceConverter.class)
    DeviceChoice device;

    @Option(names = "--epochs")
    Integer epochs;

    @Option(names = "--train-limit")
    Integer trainLimit;

    @Option(names = "--data-dir", required = true)
    Path dataDir;

    @picocli.CommandLine.Mixin
    ExperimentArgs experiment;

    @Override
    public Integer call() throws Exception {
        // stdout is the protocol channel: everything else, ours or a library's, goes to stderr
        PrintStream protocol = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        System.setOut(System.err);
        // a worker's start is pure overhead: the files and the native engine load while the spec is
        // parsed, each on its own thread; the files are read once and kept for every later trial
        Executor ownThread = task -> new Thread(task, "worker-preload").start();
        CompletableFuture<FashionMnist> files = CompletableFuture.supplyAsync(() -> FashionMnist.load(dataDir, true), ownThread);
        CompletableFuture.runAsync(Engine::getInstance, ownThread);
        Plan plan = Planner.plan(SpecParser.parse(experiment.file, experiment.overrides()),
                CliOverrides.of(epochs, trainLimit));
        InProcessRunner runner = new InProcessRunner(plan, new TrialStore(results), System.err, device,
                files::join, List.of(WorkerLoop.progressReporter(protocol)));
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        return WorkerLoop.serve(plan, runner, in, protocol);
    }
}
