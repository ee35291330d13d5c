package dev.sweeprunner.train;

import dev.sweeprunner.spec.DatasetShape;
import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.sweeprunner.data.FashionMnist;
import dev.sweeprunner.plan.TrialConfig;
import dev.sweeprunner.spec.DataSettings;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;
import java.util.stream.IntStream;

/**
 * The three splits as engine arrays on the training device, made once per sweep: images
 * (N, 1, DatasetShape.IMAGE_SIDE, DatasetShape.IMAGE_SIDE) float32 normalised, labels int64. Batches are gathered from these on the device.
 */
public final class TrainingData implements AutoCloseable {
    private static final float PIXEL_MAX = 255f;

    private final NDManager manager;
    private final Split train;
    private final Split validation;
    private final Split test;

    /**
     * Which training images validate: a holdout (fraction or explicit sizes, from the data
     * settings) or fold {@code fold} of {@code folds}. Trials with equal partitions share arrays.
     */
    public record Partition(DataSettings settings, Integer trainLimit, int folds, Integer fold) {
        public static Partition of(TrialConfig config) {
            return new Partition(config.data(), config.trainLimit(), config.folds(), config.fold());
        }
    }

    /** Images and labels of one split. */
    public record Split(NDArray images, NDArray labels) {
        public int size() {
            return Math.toIntExact(labels.size());
        }
    }

    private TrainingData(NDManager manager, Split train, Split validation, Split test) {
        this.manager = manager;
        this.train = train;
        this.validation = validation;
        this.test = test;
    }

    /**
     * Takes the first {@code trainLimit} training images (all if null), shuffles them with the
     * split seed, takes the validation images (the fold, an explicit count or a fraction) and
     * normalises every split with the statistics the settings ask for.
     */
    public static TrainingData create(FashionMnist data, Partition partition, Device device) {
        DataSettings settings = partition.settings();
        int available = partition.trainLimit() == null ? data.trainCount()
                : Math.min(partition.trainLimit(), data.trainCount());
        int[] order = Arrays.stream(Shuffle.permutation(available, new Random(settings.splitSeed())))
                .mapToInt(Math::toIntExact).toArray();
        int valStart;
        int valEnd;
        int trainCount;
        if (partition.fold() != null) {
            valStart = (int) ((long) (partition.fold() - 1) * available / partition.folds());
            valEnd = (int) ((long) partition.fold() * available / partition.folds());
            trainCount = available - (valEnd - valStart);
        } else {
            valStart = 0;
            valEnd = settings.holdoutValCount(available, data.trainCount());
            trainCount = settings.holdoutTrainCount(available, data.trainCount());
        }
        int[] valIndices = Arrays.copyOfRange(order, valStart, valEnd);
        int[] trainIndices = new int[trainCount];
        System.arraycopy(order, 0, trainIndices, 0, valStart);
        System.arraycopy(order, valEnd, trainIndices, valStart, trainCount - valStart);
        Arrays.sort(valIndices);
        Arrays.sort(trainIndices);

        byte[] trainPixels = gather(data.trainImages(), trainIndices);
        float[] scale = scaling(settings, trainPixels);
        NDManager manager = NDManager.newBaseManager(device);
        try {
            Split train = new Split(images(manager, trainPixels, scale),
                    labels(manager, data.trainLabels(), trainIndices));
            Split validation = new Split(images(manager, gather(data.trainImages(), valIndices), scale),
                    labels(manager, data.trainLabels(), valIndices));
            int[] all = IntStream.range(0, data.testCount()).toArray();
            Split test = new Split(images(manager, gather(data.testImages(), all), scale),
                    labels(manager, data.testLabels(), all));
            return new TrainingData(manager, train, validation, test);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    public NDManager manager() {
        return manager;
    }

    public Split train() {
        return train;
    }

    public Split validation() {
        return validation;
    }

    public Split test() {
        return test;
    }

    @Override
    public void close() {
        manager.close();
    }


    /** The chosen images' bytes, in the order of {@code indices}. */
    private static byte[] gather(byte[] images, int[] indices) {
        byte[] out = new byte[indices.length * DatasetShape.PIXELS];
        for (int i = 0; i < indices.length; i++) {
            System.arraycopy(images, indices[i] * DatasetShape.PIXELS, out, i * DatasetShape.PIXELS,
                    DatasetShape.PIXELS);
        }
        return out;
    }

    /** {mean, std} to apply after scaling to [0, 1]. */
    private static float[] scaling(DataSettings settings, byte[] trainPixels) {
        return switch (settings.normalize()) {
            case NONE -> new float[] {0f, 1f};
            case FIXED -> new float[] {(float) settings.mean(), (float) settings.std()};
            case DATASET -> {
                float[] scaled = new float[1 << Byte.SIZE];
                for (int value = 0; value < scaled.length; value++) {
                    scaled[value] = value / PIXEL_MAX;
                }
                double sum = 0;
                double sumSquares = 0;
                for (byte b : trainPixels) {
                    float v = scaled[b & 0xff];
                    sum += v;
                    sumSquares += (double) v * v;
                }
                double mean = sum / trainPixels.length;
                double std = Math.sqrt(Math.max(sumSquares / trainPixels.length - mean * mean, 1e-12));
                yield new float[] {(float) mean, (float) std};
            }
        };
    }

    /**
     * (N, 1, DatasetShape.IMAGE_SIDE, DatasetShape.IMAGE_SIDE) float32 {@code (byte / 255 - mean) / std} on the manager's device. The bytes go
     * to the engine as they are and are converted there, on the CPU: its float32 division is
     * correctly rounded like Java's (a test compares every byte value bit for bit; PyTorch's CUDA
     * kernels may multiply by the reciprocal instead), and it spares a worker's cold JVM a loop over
     * 55 million pixels and the copy of four times the bytes: in one profiled worker start, making
     * the arrays took 196 ms of its main thread instead of 297 ms.
     */
    private static NDArray images(NDManager manager, byte[] pixels, float[] scale) {
        Shape shape = new Shape(pixels.length / DatasetShape.PIXELS, 1, DatasetShape.IMAGE_SIDE, DatasetShape.IMAGE_SIDE);
        try (NDManager cpu = manager.newSubManager(Device.cpu())) {
            NDArray images = cpu.create(ByteBuffer.wrap(pixels), shape, DataType.UINT8)
                    .toType(DataType.FLOAT32, false).divi(PIXEL_MAX);
            if (scale[0] != 0f || scale[1] != 1f) {
                images.subi(scale[0]).divi(scale[1]);
            }
            NDArray onDevice = images.toDevice(manager.getDevice(), false); // the same array on the CPU
            onDevice.attach(manager); // outlives the CPU manager, which frees the bytes (and a GPU's CPU copy)
            return onDevice;
        }
    }

    private static NDArray labels(NDManager manager, byte[] labels, int[] indices) {
        long[] out = new long[indices.length];
        for (int i = 0; i < indices.length; i++) {
            out[i] = labels[indices[i]];
        }
        return manager.create(out);
    }
}
