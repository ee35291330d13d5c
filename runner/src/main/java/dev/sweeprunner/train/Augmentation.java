package dev.sweeprunner.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.sweeprunner.plan.TrialConfig;

/**
 * Training-batch augmentation on the device, a whole batch per call (DJL's PyTorch random-flip
 * transforms throw, and per-image Java work would starve the engine). Flip left-right with
 * probability p; then one bilinear resample per batch does the random shift of a padded crop and
 * the random rotation (about the image centre, zero fill, as torchvision's RandomCrop(padding)
 * and RandomRotation). Random numbers come from the engine, seeded per trial.
 */
public final class Augmentation {
    private final double flipProbability;
    private final double maxDegrees;
    private final int cropPadding;

    public Augmentation(double flipProbability, double maxDegrees, int cropPadding) {
        this.flipProbability = flipProbability;
        this.maxDegrees = maxDegrees;
        this.cropPadding = cropPadding;
    }

    public static Augmentation of(TrialConfig config) {
        return new Augmentation(config.augmentFlip(), config.augmentRotate(), config.augmentCropPadding());
    }

    public boolean enabled() {
        return flipProbability > 0 || maxDegrees > 0 || cropPadding > 0;
    }

    /**
     * Augmented copy of a batch (N, C, H, W); new arrays land in {@code batch}. Scalar operands
     * come from {@code scalars}, made once per run on the device (no host copy per batch).
     */
    public NDArray apply(NDArray images, NDManager batch, DeviceScalars scalars) {
        NDArray out = images;
        long n = images.getShape().get(0);
        if (flipProbability > 0) {
            NDArray flip = batch.randomUniform(0f, 1f, new Shape(n, 1, 1, 1)).lt(scalars.of(flipProbability));
            out = NDArrays.where(flip.broadcast(out.getShape()), out.flip(3), out);
        }
        if (maxDegrees > 0 || cropPadding > 0) {
            NDArray angles = batch.randomUniform((float) -maxDegrees, (float) maxDegrees, new Shape(n, 1))
                    .mul(scalars.of(Math.PI / 180));
            NDArray shiftX = randomShift(batch, n);
            NDArray shiftY = randomShift(batch, n);
            out = resample(out, angles, shiftX, shiftY, batch, scalars);
        }
        return out;
    }

    /** Whole-pixel offsets in [-padding, padding], as a padded crop's window position. */
    private NDArray randomShift(NDManager batch, long n) {
        if (cropPadding == 0) {
            return batch.zeros(new Shape(n, 1));
        }
        return batch.randomInteger(-cropPadding, cropPadding + 1, new Shape(n, 1), DataType.INT64)
                .toType(DataType.FLOAT32, false);
    }

    /**
     * out(x, y) = in(R(angle) * (x - c, y - c) + c + shift), bilinear, zero outside the image:
     * the image turns counter-clockwise by {@code angle} and moves by -shift. Angles (N, 1)
     * radians, shifts (N, 1) pixels; images (N, 1, H, W).
     */
    static NDArray resample(NDArray images, NDArray angles, NDArray shiftX, NDArray shiftY, NDManager batch,
            DeviceScalars scalars) {
        Shape shape = images.getShape();
        long n = shape.get(0);
        if (shape.get(1) != 1) {
            throw new IllegalArgumentException("augmentation resamples grey images (one channel), got " + shape);
        }
        int height = (int) shape.get(2);
        int width = (int) shape.get(3);
        NDArray pixel = batch.arange(height * width).toType(DataType.FLOAT32, false).reshape(1, height * width);
        NDArray centredX = pixel.mod(scalars.of(width)).sub(scalars.of((width - 1) / 2.0));
        NDArray centredY = pixel.div(scalars.of(width)).floor().sub(scalars.of((height - 1) / 2.0));
        NDArray cos = angles.cos();
        NDArray sin = angles.sin();
        NDArray sourceX = cos.mul(centredX).sub(sin.mul(centredY)).add(scalars.of((width - 1) / 2.0)).add(shiftX);
        NDArray sourceY = sin.mul(centredX).add(cos.mul(centredY)).add(scalars.of((height - 1) / 2.0)).add(shiftY);
        NDArray x0 = sourceX.floor();
        NDArray y0 = sourceY.floor();
        NDArray wx = sourceX.sub(x0);
        NDArray wy = sourceY.sub(y0);
        NDArray flat = images.reshape(n, height * width);
        NDArray result = null;
        for (int dy = 0; dy <= 1; dy++) {
            for (int dx = 0; dx <= 1; dx++) {
                NDArray cornerX = x0.add(scalars.of(dx));
                NDArray cornerY = y0.add(scalars.of(dy));
                NDArray zero = scalars.of(0);
                NDArray inside = cornerX.gte(zero).logicalAnd(cornerX.lte(scalars.of(width - 1)))
                        .logicalAnd(cornerY.gte(zero)).logicalAnd(cornerY.lte(scalars.of(height - 1)));
                NDArray one = scalars.of(1);
                NDArray weight = (dx == 1 ? wx : wx.neg().add(one)).mul(dy == 1 ? wy : wy.neg().add(one))
                        .mul(inside.toType(DataType.FLOAT32, false));
                // clip(Number, Number) makes both bounds tensors on every call; maximum then minimum
                // with the device's bounds is the same clamp (the coordinates are finite)
                NDArray index = cornerY.maximum(zero).minimum(scalars.of(height - 1)).mul(scalars.of(width))
                        .add(cornerX.maximum(zero).minimum(scalars.of(width - 1)))
                        .toType(DataType.INT64, false);
                NDArray term = flat.gather(index, 1).mul(weight);
                result = result == null ? term : result.add(term);
            }
        }
        return result.reshape(shape);
    }
}
