package dev.sweeprunner.train;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import dev.sweeprunner.plan.Network;
import dev.sweeprunner.spec.Layer;

/**
 * How an image batch is laid out in memory when it enters the network. The logical shape is
 * always (N, 1, 28, 28); only the strides differ, so results agree up to float rounding.
 */
enum InputLayout {
    /** Rows of the stored arrays as they are (NCHW, contiguous). */
    STORED,
    /**
     * Channels-last strides. With one channel this is a free view of the same bytes. PyTorch's CPU
     * convolution (oneDNN) follows its input's layout, and BatchNorm, ReLU and max-pool keep it, so
     * the whole network runs its channels-last kernels: about a third less time per batch for
     * study B's compact CNN on this CPU than NCHW (see README, Performance).
     */
    CHANNELS_LAST;

    /**
     * Channels-last only for a first convolution at least this wide. Narrower networks run their
     * BatchNorm and pooling faster in NCHW, where a channel is one long contiguous run instead of a
     * few floats per pixel. One thread, 15,000 training images, epochs channels-last / NCHW: table1's
     * 10k CNN (11 channels first) 6.1-6.7 / 5.1-5.3 s and 20k CNN (14) 7.0-7.2 / 6.6-7.0 s (2 runs
     * of 2 epochs each), 50k CNN (24) 7.9-8.2 / 12.1-12.3 s (one run). Those NCHW runs pooled in
     * NCHW too; with channels-last pools ({@link PoolLayout}) the 50k CNN is still faster
     * channels-last (7.2-7.8 / 8.8-9.2 s) and the 100k CNN (33) is even (14.3-15.3 / 13.9-15.9 s),
     * 2 runs each.
     */
    static final int CHANNELS_LAST_MIN_CHANNELS = 16;

    /**
     * Channels-last for networks that start with a wide enough convolution, on the CPU. Dense
     * networks flatten first (nothing to gain); on a GPU cuDNN picks its own algorithms and this
     * was not measured.
     */
    static InputLayout of(Network network, Device device) {
        boolean wideConvolution = !network.layers().isEmpty() && network.layers().get(0) instanceof Layer.Conv conv
                && conv.channels() >= CHANNELS_LAST_MIN_CHANNELS;
        return wideConvolution && !device.isGpu() ? CHANNELS_LAST : STORED;
    }

    /** The batch in this layout (a view: nothing is copied). Single-channel images only. */
    NDArray apply(NDArray images) {
        if (this == STORED) {
            return images;
        }
        long[] nchw = images.getShape().getShape();
        if (nchw.length != 4 || nchw[1] != 1) {
            // reshaping C > 1 channels to NHWC would reorder pixels; the data sets here are grey-scale
            throw new IllegalArgumentException("channels-last needs (N, 1, H, W) images, got " + images.getShape());
        }
        return images.reshape(nchw[0], nchw[2], nchw[3], nchw[1]).transpose(0, 3, 1, 2);
    }
}
