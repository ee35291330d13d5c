package dev.sweeprunner.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.HashMap;
import java.util.Map;

/**
 * Scalar operands made once on the device and reused. In DJL 0.35.1 every NDArray operation
 * with a Java {@code Number} ({@code add/sub/mul/div/mod/lt/gte/lte/muli/addi(Number)}) first
 * makes that number a tensor with {@code manager.create(n)}: on CUDA a host tensor copied to the
 * device, which synchronises the stream, once per operation and so many times per batch. The
 * arrays here are exactly what {@code manager.create(n)} makes (same Java type, so the same
 * dtype), so {@code x.mul(scalars.of(n))} computes the same bits as {@code x.mul(n)}; each
 * distinct value costs one copy per run instead of one per use.
 *
 * <p>Values are keyed by their boxed Java value, so {@code 1} (an int32 tensor) and {@code 1.0}
 * (a float64 tensor) stay apart, as their dtypes must. Not thread-safe: one per training thread.
 */
public final class DeviceScalars implements AutoCloseable {
    private final NDManager manager;
    private final Map<Number, NDArray> made = new HashMap<>();

    /** Scalars live in a sub-manager of {@code parent} (and on its device) until closed. */
    public DeviceScalars(NDManager parent) {
        this.manager = parent.newSubManager();
    }

    /** The value as a 0-d array on the device; made on first use. */
    public NDArray of(Number value) {
        return made.computeIfAbsent(value, manager::create);
    }

    @Override
    public void close() {
        made.clear();
        manager.close();
    }
}
