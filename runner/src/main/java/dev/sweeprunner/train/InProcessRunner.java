package dev.sweeprunner.train;

import ai.djl.Device;
import ai.djl.engine.Engine;
import dev.sweeprunner.UserError;
import dev.sweeprunner.data.FashionMnist;
import dev.sweeprunner.plan.Trial;
import dev.sweeprunner.records.Provenance;
import dev.sweeprunner.records.TrialStatus;
import dev.sweeprunner.records.TrialStore;
import java.io.PrintStream;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * Trains in this JVM: what a worker JVM does for each trial it is sent, and what
 * {@code --workers 0} does without isolation. Engine, device and data are set up on the first
 * trial and kept for the next ones.
 */
public final class InProcessRunner implements TrialRunner {
    private final String experiment;
    private final int planSize;
    private final TrialStore store;
    private final PrintStream out;
    private final DeviceChoice deviceChoice;
    private final Supplier<FashionMnist> dataSource;
    private final List<TrialListener> extraListeners;
    private final AtomicBoolean stopRequested = new AtomicBoolean();
    private CompletableFuture<FashionMnist> files;
    private Device device;
    private Provenance provenance;
    private TrainingData arrays;
    private TrainingData.Partition arraysPartition;

    /**
     * {@code extraListeners} (progress, worker protocol) see every trial before the console and
     * records; {@code planSize} numbers trials "[3/7]" in the console.
     */
    public InProcessRunner(String experiment, int planSize, TrialStore store, PrintStream out,
            DeviceChoice deviceChoice, Supplier<FashionMnist> dataSource, List<TrialListener> extraListeners) {
        this.experiment = experiment;
        this.planSize = planSize;
        this.store = store;
        this.out = out;
        this.deviceChoice = deviceChoice;
        this.dataSource = dataSource;
        this.extraListeners = List.copyOf(extraListeners);
    }

    @Override
    public TrialStatus run(Trial trial, int lastEpoch) {
        if (stopRequested.get()) {
            return TrialStatus.INTERRUPTED;
        }
        prepare();
        TrainingData.Partition partition = TrainingData.Partition.of(trial.config());
        if (!partition.equals(arraysPartition)) {
            if (arrays != null) {
                arrays.close(); // one set of arrays at a time: each is ~250 MB of float32 pixels
            }
            arrays = null;
            arraysPartition = null; // if creating the next set fails, the next trial tries again
            arrays = TrainingData.create(joined(files), partition, device);
            arraysPartition = partition;
        }
        Optional<Checkpoint> from = resumable(trial);
        TrialListener listeners = TrialListeners.standard(trial, from, extraListeners, out, planSize, store,
                experiment, provenance);
        try {
            new TrainingLoop(device, stopRequested::get).train(trial, arrays, listeners, from.map(Checkpoint::state),
                    lastEpoch);
            return TrialStatus.COMPLETED;
        } catch (UserError e) {
            throw e;
        } catch (RuntimeException | OutOfMemoryError e) {
            return TrialStopped.statusOf(e); // the listeners recorded it; the next trial still runs
        }
    }

    /**
     * The trial's checkpoint when it can continue from it exactly; otherwise it starts from epoch 1
     * and says why (its checkpoint is replaced after that epoch).
     */
    private Optional<Checkpoint> resumable(Trial trial) {
        Checkpoint.Lookup lookup = Checkpoint.find(store, trial);
        if (lookup.obsolete()) {
            store.deleteCheckpoint(trial.id());
        }
        if (lookup.checkpoint().isEmpty()) {
            lookup.problem().ifPresent(problem -> out.printf("  %s starts from epoch 1: %s%n", trial.id(), problem));
            return Optional.empty();
        }
        Checkpoint checkpoint = lookup.checkpoint().get();
        if (checkpoint.state().engineRandom().isPresent() && !EngineRandom.available()) {
            out.printf("  %s starts from epoch 1: its checkpoint holds PyTorch's random generator state, which "
                    + "this engine build cannot restore%n", trial.id());
            return Optional.empty();
        }
        if (!EngineRandom.checkpointable(device, trial.network(), Augmentation.of(trial.config()))) {
            out.printf("  %s starts from epoch 1: it draws random numbers on %s, whose generator state is not "
                    + "saved%n", trial.id(), provenance.device());
            return Optional.empty();
        }
        if (checkpoint.state().intraOpThreads() != provenance.intraOpThreads()) {
            out.printf("  %s continues on %d intra-op threads after epochs trained on %d: later epochs may differ "
                    + "in the last bits from an uninterrupted run%n", trial.id(), provenance.intraOpThreads(),
                    checkpoint.state().intraOpThreads());
        }
        return Optional.of(checkpoint);
    }

    /**
     * Loads the engine now rather than at the first trial (a worker says READY after); the files
     * load meanwhile and are kept for every trial. The data arrays are made at the first trial, whose
     * split they follow.
     */
    public void prepare() {
        if (device != null) {
            return;
        }
        // reading and checking the files (~0.8 s) overlaps loading the native engine (~0.7 s)
        files = CompletableFuture.supplyAsync(dataSource::get);
        Engine engine = Engine.getInstance();
        device = deviceChoice.resolve(engine);
        provenance = RunEnvironment.capture(engine, device);
        out.printf("Training on %s (%s %s, %d intra-op threads)%n", provenance.device(), provenance.engine(),
                provenance.pytorchVersion(), provenance.intraOpThreads());
    }

    /** The loaded files, or the loader's own exception (a UserError for missing files stays one). */
    private static FashionMnist joined(CompletableFuture<FashionMnist> files) {
        try {
            return files.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw e;
        }
    }

    @Override
    public void stop() {
        stopRequested.set(true);
    }

    @Override
    public void close() {
        if (arrays != null) {
            arrays.close();
            arrays = null;
        }
    }
}
