package dev.sweeprunner.train;

import ai.djl.Device;

/**
 * The most device memory in use seen during one epoch, for epochs.csv's gpu_memory_mib. Sampled
 * only where the loop already waits for the device (the divergence check, the epoch's end), so
 * it adds no synchronisation; NaN on the CPU. Not thread-safe: one per training loop.
 */
final class GpuMemoryPeak {
    private final Device device;
    private double peak = Double.NaN;

    GpuMemoryPeak(Device device) {
        this.device = device;
    }

    void sample() {
        if (device.isGpu()) {
            double now = GpuProbe.memoryInUseMib(device);
            peak = Double.isNaN(peak) ? now : Math.max(peak, now);
        }
    }

    /** The epoch's peak, and a fresh start for the next epoch. */
    double takePeak() {
        sample();
        double result = peak;
        peak = Double.NaN;
        return result;
    }
}
