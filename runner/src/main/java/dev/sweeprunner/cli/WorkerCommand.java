package dev.sweeprunner.cli;

import ai.djl.engine.Engine;
import dev.sweeprunner.data.FashionMnist;
import dev.sweeprunner.records.TrialStore;
import dev.sweeprunner.sweep.WorkerLoop;
import dev.sweeprunner.train.DeviceChoice;
import dev.sweeprunner.train.InProcessRunner;
import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Started by {@code sweep}: trains the resolved trials the sweep sends on stdin (see
 * WorkerProtocol). Its command line holds only what is per JVM; what to train comes over the
 * protocol, so the worker never reads the experiment file or the sweep's flags. Intra-op threads
 * come as the JVM property DJL reads when its engine starts.
 */
@Command(name = WorkerCommand.NAME, hidden = true, description = "(internal) a sweep's worker JVM")
final class WorkerCommand implements Callable<Integer> {
    static final String NAME = "worker";

    @Option(names = "--results", required = true)
    Path results;

    @Option(names = "--device", defaultValue = "auto", converter = SweepCommand.DeviceConverter.class)
    DeviceChoice device;

    @Option(names = "--data-dir", required = true)
    Path dataDir;

    @Override
    public Integer call() throws Exception {
        // stdout is the protocol channel: everything else, ours or a library's, goes to stderr
        PrintStream protocol = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        System.setOut(System.err);
        // a worker's start is pure overhead: the files and the native engine load while the sweep's
        // first line is awaited, each on its own thread; the files are read once and kept for every trial
        Executor ownThread = task -> new Thread(task, "worker-preload").start();
        CompletableFuture<FashionMnist> files = CompletableFuture.supplyAsync(() -> FashionMnist.load(dataDir, true), ownThread);
        CompletableFuture.runAsync(Engine::getInstance, ownThread);
        TrialStore store = new TrialStore(results);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        return WorkerLoop.serve((experiment, planSize, listeners) -> new InProcessRunner(experiment, planSize, store,
                System.err, device, files::join, listeners), in, protocol, System.err);
    }
}
