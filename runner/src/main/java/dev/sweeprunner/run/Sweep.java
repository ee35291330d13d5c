package dev.sweeprunner.run;

import ai.djl.Device;
import ai.djl.engine.Engine;
import dev.sweeprunner.UserError;
import dev.sweeprunner.data.FashionMnist;
import dev.sweeprunner.plan.Plan;
import dev.sweeprunner.plan.Trial;
import dev.sweeprunner.records.AtomicFiles;
import dev.sweeprunner.records.Provenance;
import dev.sweeprunner.records.TrialRecord;
import dev.sweeprunner.records.TrialStatus;
import dev.sweeprunner.records.TrialStore;
import dev.sweeprunner.report.Report;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Runs a plan: skips trials already completed with the same config hash, trains the rest one
 * after another, then regenerates the report. Data is loaded only if something is left to train.
 */
public final class Sweep {
    /** Where results go, on which device, and whether to move earlier results aside first. */
    public record Options(Path resultsDir, DeviceChoice device, boolean fresh, boolean progress) {}

    /** Counts for the closing line and the exit code. */
    public record Outcome(int trained, int skipped, int failed) {}

    private final PrintStream out;
    private final Supplier<FashionMnist> dataSource;

    public Sweep(PrintStream out, Supplier<FashionMnist> dataSource) {
        this.out = out;
        this.dataSource = dataSource;
    }

    public Outcome run(Plan plan, Options options) {
        if (options.fresh()) {
            moveAside(options.resultsDir());
        }
        TrialStore store = new TrialStore(options.resultsDir());
        keepExperimentFile(plan, options.resultsDir());
        List<Trial> pending = new ArrayList<>();
        for (Trial trial : plan.trials()) {
            Optional<TrialRecord> earlier = store.read(trial.id());
            if (earlier.filter(r -> r.status() == TrialStatus.COMPLETED && r.configHash().equals(trial.configHash()))
                    .isPresent()) {
                out.printf("[%d/%d] trial %s already completed (%s); skipped%n", trial.index() + 1,
                        plan.trials().size(), trial.id(), earlier.get().finishedAt());
                continue;
            }
            earlier.filter(r -> r.status() != TrialStatus.COMPLETED).ifPresent(r -> out.printf(
                    "[%d/%d] trial %s was %s after %d epoch(s); it runs again from epoch 1%n", trial.index() + 1,
                    plan.trials().size(), trial.id(), r.status() == TrialStatus.RUNNING ? "interrupted" : "failed",
                    store.readEpochs(trial.id()).size()));
            pending.add(trial);
        }
        int failed = 0;
        if (!pending.isEmpty()) {
            failed = train(plan, pending, store, options);
        } else {
            out.println("Every trial is already completed; run with --fresh to measure again.");
        }
        Report.write(store, plan.spec().name(), plan.spec().description(), out);
        out.println("Results: " + options.resultsDir().resolve(Report.REPORT_MD) + ", "
                + options.resultsDir().resolve(Report.SUMMARY_CSV) + ", "
                + options.resultsDir().resolve(Report.COMPARISON_MD));
        return new Outcome(pending.size() - failed, plan.trials().size() - pending.size(), failed);
    }

    private int train(Plan plan, List<Trial> pending, TrialStore store, Options options) {
        Engine engine = Engine.getInstance();
        Device device = options.device().resolve(engine);
        Provenance provenance = RunEnvironment.capture(engine, device);
        out.printf("Training %d trial(s) on %s (%s %s, %d intra-op threads)%n", pending.size(), provenance.device(),
                provenance.engine(), provenance.pytorchVersion(), provenance.intraOpThreads());
        FashionMnist data = dataSource.get();
        Integer trainLimit = pending.get(0).config().trainLimit();
        int failed = 0;
        try (TrainingData arrays = TrainingData.create(data, plan.spec().data(), trainLimit, device)) {
            TrainingLoop loop = new TrainingLoop(device);
            long epochs = pending.stream().mapToLong(t -> t.config().epochs()).sum();
            ProgressListener progress = new ProgressListener(pending.size(), epochs);
            for (Trial trial : pending) {
                List<TrialListener> listeners = new ArrayList<>();
                if (options.progress()) {
                    listeners.add(progress); // first: its bar is cleared before the epoch line is printed
                }
                listeners.add(new ConsoleListener(out, plan.trials().size()));
                listeners.add(new RecordingListener(store, plan.spec().name(), provenance));
                TrialListener listener = TrialListener.all(listeners);
                try {
                    loop.train(trial, arrays, listener);
                } catch (UserError e) {
                    throw e;
                } catch (RuntimeException e) {
                    failed++; // recorded as failed by the listener; the other trials still run
                }
            }
        }
        return failed;
    }

    /** Whether a live progress bar makes sense: a terminal, not CI (see {@link ProgressListener}). */
    public static boolean interactive() {
        return ProgressListener.interactive();
    }

    /**
     * A copy of the experiment file beside its results: what was asked for stays with what was
     * measured, and {@code runner report DIR} takes the experiment's name and description from it.
     */
    private static void keepExperimentFile(Plan plan, Path resultsDir) {
        if (!Files.isRegularFile(plan.spec().file())) {
            return; // a spec built in memory (tests) has no file to keep
        }
        try {
            String text = Files.readString(plan.spec().file());
            AtomicFiles.write(resultsDir.resolve(Report.EXPERIMENT_YAML), writer -> writer.write(text));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy " + plan.spec().file() + " to " + resultsDir, e);
        }
    }

    /** {@code --fresh}: earlier results move to a dated sibling directory; nothing is deleted. */
    private void moveAside(Path resultsDir) {
        if (!Files.isDirectory(resultsDir) || isEmpty(resultsDir)) {
            return;
        }
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        Path target = resultsDir.resolveSibling(resultsDir.getFileName() + ".before-" + stamp);
        try {
            Files.move(resultsDir, target);
        } catch (IOException e) {
            throw new UserError("--fresh: cannot move " + resultsDir + " aside to " + target + " (" + e.getMessage() + ")");
        }
        out.println("--fresh: earlier results moved to " + target);
    }

    private static boolean isEmpty(Path dir) {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.findAny().isEmpty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
