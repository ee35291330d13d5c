package dev.sweeprunner.run;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.loss.SoftmaxCrossEntropyLoss;
import dev.sweeprunner.data.FashionMnist;
import dev.sweeprunner.plan.Network;
import dev.sweeprunner.plan.Trial;
import dev.sweeprunner.plan.TrialConfig;
import dev.sweeprunner.records.BestWeights;
import dev.sweeprunner.records.ConfusionMatrix;
import dev.sweeprunner.records.EpochRecord;
import dev.sweeprunner.records.TrialStatus;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Random;
import java.util.function.BooleanSupplier;

/**
 * The one training loop, for every model. Data stays on the device; each epoch gathers the
 * shuffled training set once and slices batches from it. Loss and accuracy are summed on the
 * device and read once per epoch, so there is no host synchronisation inside an epoch. Every
 * epoch also records the test set's confusion matrix.
 */
public final class TrainingLoop {
    /**
     * Inference batches are large for throughput (results do not depend on their size: no dropout,
     * BN frozen, up to float rounding of the loss sum), but at most this many images.
     */
    static final int MAX_EVAL_BATCH = 1000;
    /**
     * Largest activation tensor of an inference batch. glibc hands out blocks above its mmap
     * threshold (32 MiB at most, see WorkerRunner) as fresh pages that fault again on every batch;
     * half of it leaves a margin. Table1's 100k CNN (103 KB per image after its first conv), one
     * thread, 16,000 images evaluated per epoch: 6.8-8.0 s epochs and 8.3 s of system time over 3
     * epochs in 1000-image batches, 5.3-5.7 s and 0.8 s in 250-image batches.
     */
    static final long EVAL_ACTIVATION_BYTES = 16L << 20;
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

    /**
     * Trains one trial to its last epoch, or until early stopping ends it; the listener sees every
     * epoch, every new best epoch's weights, and the test set re-evaluated with those weights.
     * Throws on failure.
     */
    public void train(Trial trial, TrainingData data, TrialListener listener) {
        TrialConfig config = trial.config();
        Engine.getInstance().setRandomSeed((int) config.seed());
        autogradOnlyInCollectors();
        Random shuffle = new Random(config.seed());
        Block block = ModelFactory.build(trial.network(), config, PoolLayout.of(device));
        Loss loss = new SoftmaxCrossEntropyLoss();
        LrScheduler lr = LrScheduler.of(config);
        EarlyStopping earlyStopping = EarlyStopping.of(config);
        Augmentation augmentation = Augmentation.of(config);
        InputLayout layout = InputLayout.of(trial.network(), device);
        int evalBatch = evalBatchSize(trial.network());
        long started = System.nanoTime();
        int epochsDone = 0;
        listener.onTrialStart(trial);
        try (Model model = Model.newInstance("trial-" + trial.id(), device)) {
            model.setBlock(block);
            DefaultTrainingConfig trainingConfig = new DefaultTrainingConfig(loss)
                    .optOptimizer(Optimizers.create(config, lr))
                    .optDevices(new Device[] {device});
            try (Trainer trainer = model.newTrainer(trainingConfig)) {
                trainer.initialize(ModelFactory.INPUT_SHAPE);
                long counted = ModelFactory.trainableParams(block);
                if (counted != trial.params()) {
                    throw new IllegalStateException("DJL counts " + counted + " trainable parameters, the plan says "
                            + trial.params() + " for " + trial.network().describe());
                }
                EpochRecord best = null;
                byte[] bestParameters = null;
                Evaluation lastTest = null;
                boolean stoppedEarly = false;
                for (int epoch = 1; epoch <= config.epochs() && !stoppedEarly; epoch++) {
                    long epochStart = System.nanoTime();
                    int currentEpoch = epoch;
                    double epochLr = lr.current();
                    Totals train = trainEpoch(trainer, loss, data.train(), layout, config.batchSize(), shuffle,
                            augmentation,
                            (done, total) -> {
                                listener.onBatchEnd(trial, currentEpoch, done, total);
                                if (stopRequested.getAsBoolean()) {
                                    throw new TrialStopped(TrialStatus.INTERRUPTED,
                                            "stopped on request during epoch " + currentEpoch);
                                }
                            });
                    Evaluation validation = evaluate(trainer, loss, data.validation(), layout, evalBatch);
                    Evaluation test = evaluate(trainer, loss, data.test(), layout, evalBatch);
                    lastTest = test;
                    long now = System.nanoTime();
                    epochsDone = epoch;
                    EpochRecord record = new EpochRecord(trial.id(), epoch, train.loss(), train.accuracy(),
                            validation.loss(), validation.accuracy(), test.loss(), test.accuracy(), epochLr,
                            seconds(now - epochStart), seconds(now - started));
                    listener.onEpochEnd(trial, record, test.confusion());
                    if (record.improvesOn(best, config.bestBy())) {
                        best = record;
                        bestParameters = parameters(block);
                        listener.onBestEpoch(trial, record, bestParameters);
                    }
                    lr.epochEnded(record);
                    stoppedEarly = earlyStopping.shouldStop(record) && epoch < config.epochs();
                }
                if (best != null) {
                    // best = last: the last epoch's test pass already used exactly these weights
                    listener.onBestWeightsEvaluated(trial, best.epoch() == epochsDone
                            ? bestWeights(trial, best, stoppedEarly, lastTest)
                            : evaluateBest(device, trial, best, stoppedEarly, bestParameters, data.test()));
                }
            }
        } catch (RuntimeException | Error e) {
            listener.onTrialEnd(trial, epochsDone, seconds(System.nanoTime() - started), e);
            throw e;
        }
        listener.onTrialEnd(trial, epochsDone, seconds(System.nanoTime() - started), null);
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

    /** Saved parameters that do not fit the trial's network (truncated, corrupt, or another network's). */
    public static final class UnloadableParameters extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UnloadableParameters(Exception cause) {
            super(cause instanceof java.io.EOFException ? "the file ends early"
                    : cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage(), cause);
        }
    }

    /**
     * The test set through a fresh copy of the network loaded from saved parameters (DJL's
     * format, as in best.params): what a user of the saved weights gets. Loading into the
     * training block would not do: the trainer keeps its own references to the arrays it trains.
     */
    public static BestWeights evaluateBest(Device device, Trial trial, EpochRecord best, boolean stoppedEarly,
            byte[] parameters, TrainingData.Split test) {
        Block block = ModelFactory.build(trial.network(), trial.config(), PoolLayout.of(device));
        Loss loss = new SoftmaxCrossEntropyLoss();
        try (Model model = Model.newInstance("best-" + trial.id(), device)) {
            model.setBlock(block);
            try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(parameters))) {
                block.loadParameters(model.getNDManager(), in);
            } catch (IOException | MalformedModelException | IllegalArgumentException e) {
                throw new UnloadableParameters(e);
            }
            try (Trainer trainer = model.newTrainer(new DefaultTrainingConfig(loss).optDevices(new Device[] {device}))) {
                return bestWeights(trial, best, stoppedEarly,
                        evaluate(trainer, loss, test, InputLayout.of(trial.network(), device),
                                evalBatchSize(trial.network())));
            }
        }
    }

    private static BestWeights bestWeights(Trial trial, EpochRecord best, boolean stoppedEarly, Evaluation test) {
        return new BestWeights(best.epoch(), trial.config().bestBy().yamlName(), test.loss(), test.accuracy(),
                stoppedEarly);
    }

    /** Mean loss and accuracy of a training pass, read from the device once at the end. */
    private record Totals(double loss, double accuracy) {
        static Totals read(NDArray lossSum, NDArray correct, long count) {
            if (count == 0) {
                return new Totals(Double.NaN, Double.NaN);
            }
            return new Totals(lossSum.getFloat() / count, (double) correct.getLong() / count);
        }
    }

    /** Mean loss and confusion matrix of an evaluation pass; accuracy is the matrix's trace share. */
    record Evaluation(double loss, ConfusionMatrix confusion) {
        double accuracy() {
            long total = confusion.total();
            return total == 0 ? Double.NaN : (double) confusion.correct() / total;
        }
    }

    /** Told after each training batch (host-side counts only: no device synchronisation). */
    @FunctionalInterface
    private interface BatchProgress {
        void batchDone(int done, int total);
    }

    private static Totals trainEpoch(Trainer trainer, Loss loss, TrainingData.Split split, InputLayout layout,
            int batchSize, Random shuffle, Augmentation augmentation, BatchProgress progress) {
        int count = split.size();
        int batches = (count - MIN_TRAIN_BATCH) / batchSize + 1;
        try (NDManager epoch = split.images().getManager().newSubManager()) {
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
                    NDArray x = rows(images, start, end, batch);
                    if (augmentation.enabled()) {
                        x = augmentation.apply(x, batch);
                    }
                    x = layout.apply(x);
                    NDArray y = rows(labels, start, end, batch);
                    NDArray logits;
                    NDArray batchLoss;
                    try (GradientCollector collector = trainer.newGradientCollector()) {
                        logits = trainer.forward(new NDList(x)).singletonOrThrow();
                        batchLoss = loss.evaluate(new NDList(y), new NDList(logits));
                        collector.backward(batchLoss);
                    }
                    trainer.step();
                    lossSum.addi(batchLoss.stopGradient().mul(end - start));
                    correct.addi(logits.stopGradient().argMax(1).eq(y).sum());
                    seen += end - start;
                }
                int done = start / batchSize + 1;
                if (done % DIVERGENCE_CHECK_BATCHES == 0 || done == batches) {
                    requireFinite(lossSum, done);
                }
                progress.batchDone(done, batches);
            }
            Totals totals = Totals.read(lossSum, correct, seen);
            if (!Double.isFinite(totals.loss())) {
                // the batch checks miss a loss that is NaN only as a whole (an epoch of no batch): never "completed"
                throw new TrialStopped(TrialStatus.DIVERGED, "training loss is " + totals.loss()
                        + " at the end of the epoch (" + seen + " images trained on)");
            }
            return totals;
        }
    }

    /**
     * Loss and test-style confusion counts over a split in inference mode. The matrix is built on
     * the device (one-hot of true*classes+predicted, summed) and read once per pass.
     */
    static Evaluation evaluate(Trainer trainer, Loss loss, TrainingData.Split split, InputLayout layout,
            int evalBatch) {
        autogradOnlyInCollectors();
        int count = split.size();
        int classes = FashionMnist.CLASSES;
        try (NDManager pass = split.images().getManager().newSubManager()) {
            NDArray lossSum = pass.zeros(new Shape(), DataType.FLOAT32);
            NDArray cells = pass.zeros(new Shape(classes * classes), DataType.INT64);
            for (int start = 0; start < count; start += evalBatch) {
                int end = Math.min(count, start + evalBatch);
                try (NDManager batch = pass.newSubManager()) {
                    NDArray x = layout.apply(rows(split.images(), start, end, batch));
                    NDArray y = rows(split.labels(), start, end, batch);
                    NDArray logits = trainer.evaluate(new NDList(x)).singletonOrThrow();
                    NDArray batchLoss = loss.evaluate(new NDList(y), new NDList(logits));
                    lossSum.addi(batchLoss.mul(end - start));
                    NDArray cell = y.mul(classes).add(logits.argMax(1));
                    cells.addi(cell.oneHot(classes * classes, DataType.INT64).sum(new int[] {0}));
                }
            }
            double meanLoss = count == 0 ? Double.NaN : lossSum.getFloat() / count;
            return new Evaluation(meanLoss, new ConfusionMatrix(classes, cells.toLongArray()));
        }
    }

    /** Images per inference batch for this network: as many as keep its largest activation small. */
    public static int evalBatchSize(Network network) {
        long bytesPerImage = network.largestActivation() * Float.BYTES;
        return (int) Math.max(1, Math.min(MAX_EVAL_BATCH, EVAL_ACTIVATION_BYTES / bytesPerImage));
    }

    /**
     * Rows [start, end) as a view, owned by the batch's manager: every result computed from it
     * then lands in that manager too and is freed when the batch ends.
     */
    private static NDArray rows(NDArray array, int start, int end, NDManager batch) {
        NDArray view = array.get(new NDIndex().addSliceDim(start, end));
        view.attach(batch);
        return view;
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
    private static void autogradOnlyInCollectors() {
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
