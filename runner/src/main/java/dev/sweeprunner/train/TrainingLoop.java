package dev.sweeprunner.train;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.loss.SoftmaxCrossEntropyLoss;
import ai.djl.util.Pair;
import dev.sweeprunner.plan.Trial;
import dev.sweeprunner.plan.TrialConfig;
import dev.sweeprunner.records.ConfusionMatrix;
import dev.sweeprunner.records.EpochRecord;
import dev.sweeprunner.records.TrialStatus;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * The one training loop, for every model (DJL's EasyTrain.fit, with our epoch bookkeeping).
 * Data stays on the device; each epoch gathers the shuffled training set once and slices batches
 * from it. Loss and accuracy are summed on the device and read once per epoch; scalar operands
 * are made once per epoch or pass on the device ({@link DeviceScalars}), so inside an epoch no
 * batch copies anything between host and device or waits for the device, apart from the
 * divergence check every {@value #DIVERGENCE_CHECK_BATCHES} batches. Every epoch also records
 * the test set's confusion matrix. Everything else (console, records, progress, schedule, early
 * stopping, checkpoints) is a listener the caller chose ({@link TrialListeners}).
 */
public final class TrainingLoop {
    /** BatchNorm cannot normalise a training batch of one image; such a final remainder is skipped. */
    private static final int MIN_TRAIN_BATCH = 2;

    /**
     * Batches between checks that the summed loss is still finite. Each check reads one number from
     * the device; every 50 batches that costs nothing measurable and stops a diverged trial within
     * seconds instead of at the end of its epoch.
     */
    static final int DIVERGENCE_CHECK_BATCHES = 50;

    private final Device device;
    private final BooleanSupplier stopRequested;

    /** {@code stopRequested} is polled after every batch (a plain flag: no device work). */
    public TrainingLoop(Device device, BooleanSupplier stopRequested) {
        this.device = device;
        this.stopRequested = stopRequested;
    }

    /** Trains a trial from its first epoch. */
    public void train(Trial trial, TrainingData data, TrialListener listener) {
        train(trial, data, listener, Optional.empty(), trial.config().epochs());
    }

    /**
     * Trains one trial to its last epoch, or until a listener stops it after an epoch (early
     * stopping); with {@code from}, continues after that state's epoch, drawing the same numbers an
     * uninterrupted run would. The listener sees every epoch, every new best epoch's weights, and
     * the test set re-evaluated with those weights. Throws on failure. With {@code lastEpoch} below
     * the trial's epochs (a scheduler's rung), it stops after that epoch and ends {@code PRUNED}:
     * its checkpoint lets a promotion continue it.
     */
    public void train(Trial trial, TrainingData data, TrialListener listener, Optional<TrainingState> from,
            int lastEpoch) {
        TrialConfig config = trial.config();
        Engine.getInstance().setRandomSeed((int) config.seed());
        autogradOnlyInCollectors();
        Block block = ModelFactory.build(trial.network(), config, PoolLayout.of(device));
        Loss loss = new SoftmaxCrossEntropyLoss();
        LearningRate rate = new LearningRate(config.lr());
        Augmentation augmentation = Augmentation.of(config);
        GpuMemoryPeak memory = new GpuMemoryPeak(device);
        InputLayout layout = InputLayout.of(trial.network(), device);
        Autocast autocast = Autocast.of(config.precision(), device);
        Evaluator evaluator = new Evaluator(loss, layout, Evaluator.batchSize(trial.network(), device), autocast);
        boolean checkpointable = EngineRandom.checkpointable(device, trial.network(), augmentation);
        boolean drawsWhileTraining = EngineRandom.drawnWhileTraining(trial.network(), augmentation);
        Progress progress = new Progress(config.seed());
        long started = System.nanoTime();
        listener.onTrialStart(trial);
        try (OptimizerState optimizerState = from.map(s -> OptimizerState.restoring(s.optimizer()))
                        .orElseGet(OptimizerState::fresh);
                Model model = Model.newInstance("trial-" + trial.id(), device)) {
            model.setBlock(block);
            DefaultTrainingConfig trainingConfig = new DefaultTrainingConfig(loss)
                    .optOptimizer(Optimizers.create(config, rate, optimizerState))
                    .optDevices(new Device[] {device});
            try (Trainer trainer = model.newTrainer(trainingConfig)) {
                trainer.initialize(ModelFactory.INPUT_SHAPE);
                long counted = ModelFactory.trainableParams(block);
                if (counted != trial.params()) {
                    throw new IllegalStateException("DJL counts " + counted + " trainable parameters, the plan says "
                            + trial.params() + " for " + trial.network().describe());
                }
                optimizerState.bind(block);
                if (from.isPresent()) {
                    progress.restore(from.get(), block, rate);
                    listener.onTrialResumed(trial, new TrialListener.Resumed(progress.rows, progress.best,
                            progress.bestConfusion));
                }
                int stopAt = Math.min(lastEpoch, config.epochs());
                for (int epoch = progress.epoch() + 1; epoch <= stopAt && !progress.stoppedEarly; epoch++) {
                    long epochStart = System.nanoTime();
                    int currentEpoch = epoch;
                    double epochLr = rate.get();
                    Totals train = trainEpoch(trainer, loss, data.train(), layout, config.batchSize(),
                            progress.shuffle, augmentation, autocast, memory,
                            (done, total) -> {
                                listener.onBatchEnd(trial, currentEpoch, done, total);
                                if (stopRequested.getAsBoolean()) {
                                    throw new TrialStopped(TrialStatus.INTERRUPTED,
                                            "stopped on request during epoch " + currentEpoch);
                                }
                            });
                    if (!Double.isFinite(train.loss())) {
                        throw new TrialStopped(TrialStatus.DIVERGED, train.images() == 0
                                ? "no training batch in epoch " + epoch + ": the training split has fewer than "
                                        + MIN_TRAIN_BATCH + " images"
                                : "training loss is " + train.loss() + " at the end of epoch " + epoch);
                    }
                    Evaluator.Evaluation validation = evaluator.evaluate(trainer, data.validation());
                    Evaluator.Evaluation test = evaluator.evaluate(trainer, data.test());
                    long now = System.nanoTime();
                    EpochRecord record = new EpochRecord(trial.id(), epoch, train.loss(), train.accuracy(),
                            validation.loss(), validation.accuracy(), test.loss(), test.accuracy(), epochLr,
                            seconds(now - epochStart), progress.elapsedBefore + seconds(now - started),
                            memory.takePeak());
                    progress.rows.add(record);
                    if (record.improvesOn(progress.best, config.bestBy())) {
                        progress.best = record;
                        progress.bestConfusion = test.confusion();
                        progress.bestParameters = parameters(block);
                        listener.onBestEpoch(trial, record, progress.bestParameters);
                    }
                    Control control = new Control(rate, stopping -> {
                        progress.stoppedEarly = stopping && currentEpoch < config.epochs();
                        return checkpointable ? Optional.of(progress.state(block, rate, optimizerState, now - started,
                                drawsWhileTraining)) : Optional.empty();
                    });
                    listener.onEpochEnd(trial, record, test.confusion(), control);
                    progress.stoppedEarly = control.stopping && epoch < config.epochs();
                }
                EpochRecord best = progress.best;
                if (best != null) {
                    // best = last: the last epoch's test pass already used exactly these weights
                    listener.onBestWeightsEvaluated(trial, best.epoch() == progress.epoch()
                            ? Evaluator.bestWeights(trial, best, progress.stoppedEarly, best.testLoss(), best.testAcc())
                            : Evaluator.evaluateSaved(device, trial, best, progress.stoppedEarly,
                                    progress.bestParameters, data.test()));
                }
                if (progress.epoch() < config.epochs() && !progress.stoppedEarly) {
                    throw new TrialStopped(TrialStatus.PRUNED, "stopped by the scheduler after epoch "
                            + progress.epoch() + " of " + config.epochs() + "; continues if promoted");
                }
            }
        } catch (RuntimeException | Error e) {
            listener.onTrialEnd(trial, progress.epoch(), progress.elapsedBefore + seconds(System.nanoTime() - started),
                    e);
            throw e;
        }
        listener.onTrialEnd(trial, progress.epoch(), progress.elapsedBefore + seconds(System.nanoTime() - started),
                null);
    }

    /** What the loop carries from epoch to epoch, and what a checkpoint saves and restores of it. */
    private static final class Progress {
        final List<EpochRecord> rows = new ArrayList<>();
        Random shuffle;
        EpochRecord best;
        ConfusionMatrix bestConfusion;
        byte[] bestParameters;
        boolean stoppedEarly;
        /** Training seconds before this process took the trial over. */
        double elapsedBefore;

        Progress(long seed) {
            shuffle = new Random(seed);
        }

        int epoch() {
            return rows.size();
        }

        TrainingState state(Block block, LearningRate rate, OptimizerState optimizer, long nanosHere,
                boolean drawsWhileTraining) {
            return new TrainingState(rows, best.epoch(), bestConfusion, bestParameters, rate.get(), stoppedEarly,
                    elapsedBefore + seconds(nanosHere), namedParameters(block), optimizer.save(), serialised(shuffle),
                    drawsWhileTraining ? Optional.of(EngineRandom.save()) : Optional.empty(), JniUtils.getNumThreads());
        }

        /** Back to where {@code state} was; the engine's generator last, after initialisation drew from it. */
        void restore(TrainingState state, Block block, LearningRate rate) {
            rows.addAll(state.rows());
            best = state.best();
            bestConfusion = state.bestConfusion();
            bestParameters = state.bestParameters();
            stoppedEarly = state.stoppedEarly();
            elapsedBefore = state.elapsedS();
            rate.set(state.learningRate());
            loadNamedParameters(block, state.parameters());
            shuffle = deserialisedRandom(state.shuffle());
            state.engineRandom().ifPresent(EngineRandom::restore);
        }
    }

    /** The listeners' view of the loop between two epochs; {@code state} is told whether it stops here. */
    private static final class Control implements EpochControl {
        private final LearningRate rate;
        private final Function<Boolean, Optional<TrainingState>> state;
        private boolean stopping;

        Control(LearningRate rate, Function<Boolean, Optional<TrainingState>> state) {
            this.rate = rate;
            this.state = state;
        }

        @Override
        public double learningRate() {
            return rate.get();
        }

        @Override
        public void setLearningRate(double next) {
            rate.set(next);
        }

        @Override
        public void stopAfterThisEpoch() {
            stopping = true;
        }

        @Override
        public boolean stopping() {
            return stopping;
        }

        @Override
        public Optional<TrainingState> state() {
            return state.apply(stopping);
        }
    }

    /** The block's parameters (BatchNorm running statistics included) in DJL's format. */
    private static byte[] parameters(Block block) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            block.saveParameters(out);
        } catch (IOException e) {
            throw new UncheckedIOException("writing parameters to memory cannot fail", e);
        }
        return bytes.toByteArray();
    }

    /** Copies of the block's parameter arrays, named by their place in the block (an NDList). */
    static byte[] namedParameters(Block block) {
        try (NDManager temporary = NDManager.newBaseManager(Device.cpu())) {
            NDList list = new NDList();
            for (Pair<String, Parameter> p : block.getParameters()) {
                NDArray array = p.getValue().getArray();
                NDArray copy = array.getDevice().isGpu() ? array.toDevice(Device.cpu(), true) : array.duplicate();
                copy.attach(temporary);
                copy.setName(p.getKey());
                list.add(copy);
            }
            return list.encode();
        }
    }

    /**
     * Writes saved values into the block's own arrays, in place: the trainer and optimizer keep
     * references to those arrays, so replacing them (Block.loadParameters) would not do.
     */
    static void loadNamedParameters(Block block, byte[] saved) {
        try (NDManager temporary = NDManager.newBaseManager(Device.cpu())) {
            Map<String, NDArray> byName = new HashMap<>();
            for (NDArray array : NDList.decode(temporary, saved)) {
                byName.put(array.getName(), array);
            }
            for (Pair<String, Parameter> p : block.getParameters()) {
                NDArray value = byName.remove(p.getKey());
                NDArray target = p.getValue().getArray();
                if (value == null || !value.getShape().equals(target.getShape())
                        || value.getDataType() != target.getDataType()) {
                    throw new IllegalStateException("the checkpoint's parameters do not fit the network at "
                            + p.getKey());
                }
                value.copyTo(target);
            }
            if (!byName.isEmpty()) {
                throw new IllegalStateException("the checkpoint has parameters the network lacks: " + byName.keySet());
            }
        }
    }

    /** java.util.Random's state goes through its own serialised form: it has no other accessor. */
    private static byte[] serialised(Random random) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(random);
        } catch (IOException e) {
            throw new UncheckedIOException("serialising to memory cannot fail", e);
        }
        return bytes.toByteArray();
    }

    /** Reads back only a java.util.Random: the filter refuses every other class. */
    private static Random deserialisedRandom(byte[] bytes) {
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
            in.setObjectInputFilter(ObjectInputFilter.Config.createFilter("java.util.Random;!*"));
            return (Random) in.readObject();
        } catch (IOException | ClassNotFoundException e) {
            throw new IllegalStateException("the checkpoint's data-order state does not load: " + e.getMessage(), e);
        }
    }

    /** Mean loss and accuracy of a training pass, read from the device once at the end. */
    private record Totals(double loss, double accuracy, long images) {
        static Totals read(NDArray lossSum, NDArray correct, long count) {
            if (count == 0) {
                return new Totals(Double.NaN, Double.NaN, 0);
            }
            return new Totals(lossSum.getFloat() / count, (double) correct.getLong() / count, count);
        }
    }

    /** Told after each training batch (host-side counts only: no device synchronisation). */
    @FunctionalInterface
    private interface BatchProgress {
        void batchDone(int done, int total);
    }

    private static Totals trainEpoch(Trainer trainer, Loss loss, TrainingData.Split split, InputLayout layout,
            int batchSize, Random shuffle, Augmentation augmentation, Autocast autocast, GpuMemoryPeak memory,
            BatchProgress progress) {
        int count = split.size();
        int batches = (count - MIN_TRAIN_BATCH) / batchSize + 1;
        try (NDManager epoch = split.images().getManager().newSubManager();
                DeviceScalars scalars = new DeviceScalars(epoch)) {
            // the epoch's data order: one host-to-device copy per epoch, before its first batch
            NDArray order = epoch.create(Shuffle.permutation(count, shuffle));
            NDArray images = split.images().get(order);
            NDArray labels = split.labels().get(order);
            images.attach(epoch);
            labels.attach(epoch);
            NDArray lossSum = epoch.zeros(new Shape(), DataType.FLOAT32);
            NDArray correct = epoch.zeros(new Shape(), DataType.INT64);
            long seen = 0;
            for (int start = 0; start + MIN_TRAIN_BATCH <= count; start += batchSize) {
                int end = Math.min(count, start + batchSize);
                try (NDManager batch = epoch.newSubManager()) {
                    NDArray x = Evaluator.rows(images, start, end, batch);
                    if (augmentation.enabled()) {
                        x = augmentation.apply(x, batch, scalars);
                    }
                    x = layout.apply(x);
                    NDArray y = Evaluator.rows(labels, start, end, batch);
                    NDArray logits;
                    NDArray batchLoss;
                    try (GradientCollector collector = trainer.newGradientCollector()) {
                        try (Autocast.Scope mixed = autocast.open()) {
                            logits = trainer.forward(new NDList(x)).singletonOrThrow();
                        }
                        logits = autocast.fp32(logits);
                        batchLoss = loss.evaluate(new NDList(y), new NDList(logits));
                        collector.backward(batchLoss);
                    }
                    trainer.step();
                    lossSum.addi(batchLoss.stopGradient().mul(scalars.of(end - start)));
                    correct.addi(logits.stopGradient().argMax(1).eq(y).sum());
                    seen += end - start;
                }
                int done = start / batchSize + 1;
                if (done % DIVERGENCE_CHECK_BATCHES == 0 || done == batches) {
                    requireFinite(lossSum, done);
                    memory.sample(); // the device has just been waited for: no extra synchronisation
                }
                progress.batchDone(done, batches);
            }
            return Totals.read(lossSum, correct, seen);
        }
    }

    /**
     * Autograd records history inside a gradient collector only. PyTorch's grad mode belongs to a
     * thread: DJL turns it off on the thread that starts the engine, and a collector gives back what
     * its thread had. On any other thread (a worker trains on its main thread; its engine starts on
     * a loader thread) every op outside the collector recorded history: the optimizer step, the
     * metric sums, whole evaluation passes. A pass's loss sum then held every batch's activations
     * until the pass ended: table1's 100k CNN worker grew to 5.3 GB RSS over a 15,000-image epoch,
     * which took twice as long as on the engine's thread (see README, Performance).
     */
    static void autogradOnlyInCollectors() {
        JniUtils.setGradMode(false);
    }

    /** NaN or infinite loss: the trial has diverged and more batches cannot bring it back. */
    private static void requireFinite(NDArray lossSum, int batch) {
        float sum = lossSum.getFloat();
        if (!Float.isFinite(sum)) {
            throw new TrialStopped(TrialStatus.DIVERGED, "training loss is " + sum + " after batch " + batch);
        }
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }
}
