package dev.sweeprunner.train;

import dev.sweeprunner.spec.DatasetShape;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.sweeprunner.data.FashionMnist;
import dev.sweeprunner.spec.DataSettings;
import dev.sweeprunner.spec.Normalization;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The engine converts the pixels: its values must be bit for bit those of the formula computed in
 * Java, {@code ((float) byte / 255f - mean) / std}, for every byte value, so that runs before and
 * after the conversion moved give the same numbers.
 */
class TrainingDataTest {
    private static final int TRAIN_IMAGES = 50;
    private static final int TEST_IMAGES = 20;
    /** Every training image is this one: the dataset statistics do not depend on the split. */
    private static final byte[] TRAIN_IMAGE = new byte[DatasetShape.PIXELS];
    /** Random test images, together with TRAIN_IMAGE holding every byte value. */
    private static final FashionMnist DATA;

    static {
        for (int p = 0; p < TRAIN_IMAGE.length; p++) {
            TRAIN_IMAGE[p] = (byte) (p * 7 + 3); // 7 is odd: 256 consecutive pixels take every value
        }
        byte[] train = new byte[TRAIN_IMAGES * DatasetShape.PIXELS];
        for (int i = 0; i < TRAIN_IMAGES; i++) {
            System.arraycopy(TRAIN_IMAGE, 0, train, i * DatasetShape.PIXELS, DatasetShape.PIXELS);
        }
        byte[] test = new byte[TEST_IMAGES * DatasetShape.PIXELS];
        new Random(3).nextBytes(test);
        DATA = new FashionMnist(train, new byte[TRAIN_IMAGES], test, new byte[TEST_IMAGES]);
    }

    static Stream<Arguments> normalisations() {
        return Stream.of(
                Arguments.of("none: bytes / 255", Normalization.NONE, 0.0, 1.0),
                Arguments.of("fixed, study B's 0.5 / 0.5", Normalization.FIXED, 0.5, 0.5),
                Arguments.of("fixed, Fashion-MNIST's usual statistics", Normalization.FIXED, 0.2860, 0.3530),
                Arguments.of("dataset statistics of the training split", Normalization.DATASET, 0.0, 1.0));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("normalisations")
    void pixelsAreTheJavaFormulaBitForBit(String name, Normalization normalize, double mean, double std) {
        DataSettings settings = new DataSettings(null, 0.2, 42, normalize, mean, std, null, null);
        try (TrainingData data = TrainingData.create(DATA, new TrainingData.Partition(settings, null, 0, null),
                Device.cpu())) {
            float[] scale = switch (normalize) {
                case NONE -> new float[] {0f, 1f};
                case FIXED -> new float[] {(float) mean, (float) std};
                case DATASET -> datasetScale(data.train().size());
            };
            assertEquals(DataType.FLOAT32, data.test().images().getDataType());
            assertEquals(new Shape(TEST_IMAGES, 1, 28, 28), data.test().images().getShape());
            assertArrayEquals(expected(DATA.testImages(), scale), data.test().images().toFloatArray());
            byte[] trainImages = new byte[data.train().size() * DatasetShape.PIXELS];
            System.arraycopy(DATA.trainImages(), 0, trainImages, 0, trainImages.length);
            assertArrayEquals(expected(trainImages, scale), data.train().images().toFloatArray());
        }
    }

    @Test
    void anEmptySplitIsAnEmptyArray() {
        DataSettings noValidation = new DataSettings(null, 0.1, 42, Normalization.NONE, 0, 1, 0, null);
        try (TrainingData data = TrainingData.create(DATA, new TrainingData.Partition(noValidation, null, 0, null),
                Device.cpu())) {
            assertEquals(new Shape(0, 1, 28, 28), data.validation().images().getShape());
            assertEquals(0, data.validation().size());
            assertEquals(TRAIN_IMAGES, data.train().size());
        }
    }

    /** The formula as the runner computed it in Java before the engine took it over. */
    private static float[] expected(byte[] pixels, float[] scale) {
        float[] out = new float[pixels.length];
        for (int i = 0; i < pixels.length; i++) {
            out[i] = ((pixels[i] & 0xff) / 255f - scale[0]) / scale[1];
        }
        return out;
    }

    /** Mean and standard deviation of {@code images} copies of TRAIN_IMAGE, summed in pixel order in doubles. */
    private static float[] datasetScale(int images) {
        double sum = 0;
        double sumSquares = 0;
        for (int i = 0; i < images; i++) {
            for (byte b : TRAIN_IMAGE) {
                float v = (b & 0xff) / 255f;
                sum += v;
                sumSquares += (double) v * v;
            }
        }
        long count = (long) images * DatasetShape.PIXELS;
        double mean = sum / count;
        double std = Math.sqrt(Math.max(sumSquares / count - mean * mean, 1e-12));
        return new float[] {(float) mean, (float) std};
    }
}
