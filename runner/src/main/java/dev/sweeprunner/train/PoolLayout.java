package dev.sweeprunner.train;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.pooling.Pool;

/**
 * The memory layout a max-pool reads. PyTorch's CPU max-pool over NCHW compares a window's
 * floats one by one with a branch each; its channels-last kernel compares whole vectors of
 * channels. Networks that start narrow (see {@link InputLayout}) run every layer before their
 * first pool in NCHW (narrow BatchNorm is faster there) and switch at that pool; the layers after
 * follow the new layout.
 * One thread, 15,000 training images, epochs with NCHW / channels-last pools (3 alternating pairs
 * of 2-epoch runs): table1's 10k CNN 4.63-5.41 / 4.21-4.94 s, 20k CNN 6.08-7.14 / 5.26-6.07 s.
 */
public enum PoolLayout {
    /** Whatever layout the layer before produced. */
    AS_GIVEN,
    /** Channels-last: copied into it when the input is NCHW, a free view when it already is. */
    CHANNELS_LAST;

    /** Channels-last on the CPU; on a GPU cuDNN picks its own algorithms and this was not measured. */
    static PoolLayout of(Device device) {
        return device.isGpu() ? AS_GIVEN : CHANNELS_LAST;
    }

    /**
     * Max-pooling over {@code window}-sized tiles (stride = window, no padding, floor). Both kinds
     * are a parameter-free {@link LambdaBlock}, so saved parameters do not depend on the layout.
     */
    Block maxPool(Shape window) {
        if (this == AS_GIVEN) {
            return Pool.maxPool2dBlock(window, window);
        }
        Shape noPadding = new Shape(0, 0);
        return new LambdaBlock(inputs -> new NDList(
                Pool.maxPool2d(channelsLast(inputs.singletonOrThrow()), window, window, noPadding, false)),
                "maxPool2d");
    }

    /** The same (N, C, H, W) tensor with channels-last strides; PyTorch's reshape copies only when it must. */
    static NDArray channelsLast(NDArray nchw) {
        long[] shape = nchw.getShape().getShape();
        return nchw.transpose(0, 2, 3, 1).reshape(-1)
                .reshape(shape[0], shape[2], shape[3], shape[1]).transpose(0, 3, 1, 2);
    }
}
