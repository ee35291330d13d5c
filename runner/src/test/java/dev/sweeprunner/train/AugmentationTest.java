package dev.sweeprunner.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Batched augmentation on hand-made 28x28 images whose every pixel is distinct (value = 28 row + col). */
class AugmentationTest {
    private static final int SIDE = 28;

    @Test
    void flipWithProbabilityOneMirrorsLeftRight() {
        try (NDManager manager = NDManager.newBaseManager()) {
            float[] out = new Augmentation(1, 0, 0).apply(pattern(manager, 3), manager,
                    new DeviceScalars(manager)).toFloatArray();
            for (int image = 0; image < 3; image++) {
                for (int row = 0; row < SIDE; row++) {
                    for (int col = 0; col < SIDE; col++) {
                        assertEquals(value(row, SIDE - 1 - col), out[image * SIDE * SIDE + row * SIDE + col]);
                    }
                }
            }
        }
    }

    @Test
    void nothingEnabledLeavesTheBatchAlone() {
        Augmentation none = new Augmentation(0, 0, 0);
        assertFalse(none.enabled());
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray batch = pattern(manager, 2);
            assertArrayEquals(batch.toFloatArray(), none.apply(batch, manager, new DeviceScalars(manager)).toFloatArray());
        }
    }

    @Test
    void flipWithProbabilityHalfFlipsSomeImagesWhole() {
        Engine.getInstance().setRandomSeed(7);
        try (NDManager manager = NDManager.newBaseManager()) {
            int images = 64;
            float[] out = new Augmentation(0.5, 0, 0).apply(pattern(manager, images), manager,
                    new DeviceScalars(manager)).toFloatArray();
            int flipped = 0;
            for (int image = 0; image < images; image++) {
                float topLeft = out[image * SIDE * SIDE];
                assertTrue(topLeft == value(0, 0) || topLeft == value(0, SIDE - 1), "each image whole or mirrored");
                flipped += topLeft == value(0, SIDE - 1) ? 1 : 0;
            }
            assertTrue(flipped > 16 && flipped < 48, flipped + " of 64 flipped");
        }
    }

    /** +90 degrees turns the image counter-clockwise: the top row becomes the left column. */
    @Test
    void rotationByNinetyDegrees() {
        try (NDManager manager = NDManager.newBaseManager()) {
            float[] out = Augmentation.resample(pattern(manager, 1), manager.create(new float[] {(float) (Math.PI / 2)},
                    new Shape(1, 1)), manager.zeros(new Shape(1, 1)), manager.zeros(new Shape(1, 1)), manager,
                    new DeviceScalars(manager))
                    .toFloatArray();
            for (int row = 0; row < SIDE; row++) {
                for (int col = 0; col < SIDE; col++) {
                    assertEquals(value(col, SIDE - 1 - row), out[row * SIDE + col], 1e-2, row + "," + col);
                }
            }
            assertEquals(value(0, 13), out[14 * SIDE], 1e-2, "top centre moved to the left edge");
        }
    }

    /** Bilinear weights sum to one inside the image; what comes from outside is zero. */
    @Test
    void rotationInterpolatesAndFillsWithZero() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray ones = manager.ones(new Shape(1, 1, SIDE, SIDE));
            float[] out = Augmentation.resample(ones, manager.create(new float[] {(float) Math.toRadians(30)},
                    new Shape(1, 1)), manager.zeros(new Shape(1, 1)), manager.zeros(new Shape(1, 1)), manager,
                    new DeviceScalars(manager))
                    .toFloatArray();
            assertEquals(1f, out[14 * SIDE + 14], 1e-5f);
            assertEquals(0f, out[0], 1e-5f, "a corner comes from outside the turned image");
            long mixed = 0;
            for (float v : out) {
                assertTrue(v >= -1e-6f && v <= 1 + 1e-6f, "bilinear weights are a convex combination: " + v);
                mixed += v > 0.01f && v < 0.99f ? 1 : 0;
            }
            assertTrue(mixed > 20, "pixels along the turned edges mix image and zero fill: " + mixed);
        }
    }

    @Test
    void shiftMovesTheImageAndPadsWithZeros() {
        try (NDManager manager = NDManager.newBaseManager()) {
            float[] out = Augmentation.resample(pattern(manager, 1), manager.zeros(new Shape(1, 1)),
                    manager.create(new float[] {2}, new Shape(1, 1)), manager.create(new float[] {-1}, new Shape(1, 1)),
                    manager, new DeviceScalars(manager)).toFloatArray();
            for (int row = 0; row < SIDE; row++) {
                for (int col = 0; col < SIDE; col++) {
                    int fromRow = row - 1;
                    int fromCol = col + 2;
                    boolean inside = fromRow >= 0 && fromCol < SIDE;
                    assertEquals(inside ? value(fromRow, fromCol) : 0f, out[row * SIDE + col], 1e-4, row + "," + col);
                }
            }
        }
    }

    /** A padded random crop: every image is the original shifted by whole pixels within the padding. */
    @Test
    void randomCropWithPaddingShiftsEachImageWithinThePadding() {
        Engine.getInstance().setRandomSeed(11);
        int padding = 2;
        try (NDManager manager = NDManager.newBaseManager()) {
            int images = 32;
            float[] out = new Augmentation(0, 0, padding).apply(pattern(manager, images), manager,
                    new DeviceScalars(manager)).toFloatArray();
            Set<String> shifts = new HashSet<>();
            for (int image = 0; image < images; image++) {
                shifts.add(shiftOf(out, image, padding));
            }
            assertTrue(shifts.size() > 5, "shifts vary from image to image: " + shifts);
        }
    }

    /** The (dx, dy) within +-padding that explains the image exactly; fails when none does. */
    private static String shiftOf(float[] out, int image, int padding) {
        for (int dy = -padding; dy <= padding; dy++) {
            for (int dx = -padding; dx <= padding; dx++) {
                boolean matches = true;
                for (int p = 0; p < SIDE * SIDE && matches; p++) {
                    int fromRow = p / SIDE + dy;
                    int fromCol = p % SIDE + dx;
                    boolean inside = fromRow >= 0 && fromRow < SIDE && fromCol >= 0 && fromCol < SIDE;
                    matches = Math.abs(out[image * SIDE * SIDE + p] - (inside ? value(fromRow, fromCol) : 0)) < 1e-3;
                }
                if (matches) {
                    return dx + "," + dy;
                }
            }
        }
        throw new AssertionError("image " + image + " is not a shift of the original within " + padding + " pixels");
    }

    private static float value(int row, int col) {
        return row * SIDE + col + 1; // + 1: no pixel is zero, so zero fill is told apart
    }

    private static NDArray pattern(NDManager manager, int images) {
        float[] pixels = new float[images * SIDE * SIDE];
        for (int i = 0; i < pixels.length; i++) {
            int p = i % (SIDE * SIDE);
            pixels[i] = value(p / SIDE, p % SIDE);
        }
        return manager.create(pixels, new Shape(images, 1, SIDE, SIDE));
    }
}
