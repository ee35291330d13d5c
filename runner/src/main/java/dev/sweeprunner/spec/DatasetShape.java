package dev.sweeprunner.spec;

import java.util.List;

/**
 * The one home of the data set's shape: Fashion-MNIST's 28x28 grey images (one byte per pixel)
 * in ten classes. Sizing, training, the data loader and the report all read it from here.
 */
public final class DatasetShape {
    public static final int IMAGE_SIDE = 28;
    /** Pixels per image, which is also bytes per image in the IDX files. */
    public static final int PIXELS = IMAGE_SIDE * IMAGE_SIDE;
    public static final int CLASSES = 10;
    /** In label order (label 0 is the first), as the data set's authors name them. */
    public static final List<String> CLASS_NAMES = List.of(
            "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

    private DatasetShape() {}
}
