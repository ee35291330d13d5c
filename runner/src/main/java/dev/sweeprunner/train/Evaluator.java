package dev.sweeprunner.train;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.loss.SoftmaxCrossEntropyLoss;
import dev.sweeprunner.plan.Network;
import dev.sweeprunner.plan.Trial;
import dev.sweeprunner.records.BestWeights;
import dev.sweeprunner.records.ConfusionMatrix;
import dev.sweeprunner.records.EpochRecord;
import dev.sweeprunner.spec.DatasetShape;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;

/**
 * A network on a split in inference mode (dropout off, BatchNorm on its running statistics): mean
 * loss and the confusion matrix. The training loop uses it for every epoch's validation and test
 * passes; {@code evaluate} and the end of a trial use {@link #evaluateSaved} for saved weights.
 */
public final class Evaluator {
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

    private final Loss loss;
    private final InputLayout layout;
    private final int batchSize;
    private final Autocast autocast;

    Evaluator(Loss loss, InputLayout layout, int batchSize, Autocast autocast) {
        this.loss = loss;
        this.layout = layout;
        this.batchSize = batchSize;
        this.autocast = autocast;
    }

    /** The evaluator of a trial on a device: its network's input layout and inference batch size, its precision. */
    public static Evaluator of(Trial trial, Device device, Loss loss) {
        return new Evaluator(loss, InputLayout.of(trial.network(), device), batchSize(trial.network(), device),
                Autocast.of(trial.config().precision(), device));
    }

    /** Mean loss and confusion matrix of an evaluation pass; accuracy is the matrix's trace share. */
    public record Evaluation(double loss, ConfusionMatrix confusion) {
        public double accuracy() {
            long total = confusion.total();
            return total == 0 ? Double.NaN : (double) confusion.correct() / total;
        }
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
     * Images per inference batch for this network on this device. The activation cap is a CPU
     * rule (cache and allocator, see above): a GPU has memory to spare for a batch of
     * {@value #MAX_EVAL_BATCH} and is faster with fewer, larger launches.
     */
    public static int batchSize(Network network, Device device) {
        return device.isGpu() ? MAX_EVAL_BATCH : batchSize(network);
    }

    /** Images per inference batch on the CPU: as many as keep the network's largest activation small. */
    public static int batchSize(Network network) {
        long bytesPerImage = network.largestActivation() * Float.BYTES;
        return (int) Math.max(1, Math.min(MAX_EVAL_BATCH, EVAL_ACTIVATION_BYTES / bytesPerImage));
    }

    /**
     * Loss and test-style confusion counts over a split in inference mode. The matrix is built on
     * the device (one-hot of true*classes+predicted, summed) and read once per pass.
     */
    public Evaluation evaluate(Trainer trainer, TrainingData.Split split) {
        TrainingLoop.autogradOnlyInCollectors();
        int count = split.size();
        int classes = DatasetShape.CLASSES;
        try (NDManager pass = split.images().getManager().newSubManager();
                DeviceScalars scalars = new DeviceScalars(pass)) {
            NDArray lossSum = pass.zeros(new Shape(), DataType.FLOAT32);
            NDArray cells = pass.zeros(new Shape(classes * classes), DataType.INT64);
            for (int start = 0; start < count; start += batchSize) {
                int end = Math.min(count, start + batchSize);
                try (NDManager batch = pass.newSubManager()) {
                    NDArray x = layout.apply(rows(split.images(), start, end, batch));
                    NDArray y = rows(split.labels(), start, end, batch);
                    NDArray logits;
                    try (Autocast.Scope mixed = autocast.open()) {
                        logits = trainer.evaluate(new NDList(x)).singletonOrThrow();
                    }
                    logits = autocast.fp32(logits);
                    NDArray batchLoss = loss.evaluate(new NDList(y), new NDList(logits));
                    lossSum.addi(batchLoss.mul(scalars.of(end - start)));
                    NDArray cell = y.mul(scalars.of(classes)).add(logits.argMax(1));
                    cells.addi(cell.oneHot(classes * classes, DataType.INT64).sum(new int[] {0}));
                }
            }
            double meanLoss = count == 0 ? Double.NaN : lossSum.getFloat() / count;
            return new Evaluation(meanLoss, new ConfusionMatrix(classes, cells.toLongArray()));
        }
    }

    /**
     * The test set through a fresh copy of the network loaded from saved parameters (DJL's
     * format, as in best.params): what a user of the saved weights gets. Loading into the
     * training block would not do: the trainer keeps its own references to the arrays it trains.
     */
    public static BestWeights evaluateSaved(Device device, Trial trial, EpochRecord best, boolean stoppedEarly,
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
                Evaluation result = of(trial, device, loss).evaluate(trainer, test);
                return bestWeights(trial, best, stoppedEarly, result.loss(), result.accuracy());
            }
        }
    }

    /** The best epoch's weights on the test set, as recorded in trial.json. */
    static BestWeights bestWeights(Trial trial, EpochRecord best, boolean stoppedEarly, double testLoss,
            double testAcc) {
        return new BestWeights(best.epoch(), trial.config().bestBy().yamlName(), testLoss, testAcc, stoppedEarly);
    }

    /**
     * Rows [start, end) as a view, owned by the batch's manager: every result computed from it
     * then lands in that manager too and is freed when the batch ends.
     */
    static NDArray rows(NDArray array, int start, int end, NDManager batch) {
        NDArray view = array.get(new NDIndex().addSliceDim(start, end));
        view.attach(batch);
        return view;
    }
}
