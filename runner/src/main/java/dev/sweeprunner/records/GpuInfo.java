package dev.sweeprunner.records;

/**
 * The GPU a trial trained on, for provenance (absent from a CPU trial's record).
 * {@code visibleDevice} is the physical device the worker was given (its
 * {@code CUDA_VISIBLE_DEVICES} entry, or the engine's index when unset): inside the worker it
 * is always {@code gpu:0}. {@code tf32} states the precision policy of the matrix products;
 * {@code cudnnBenchmark} whether cuDNN was free to pick convolution algorithms by timing them.
 */
public record GpuInfo(
        String name,
        String visibleDevice,
        String driver,
        String cuda,
        String computeCapability,
        String tf32,
        boolean cudnnBenchmark) {}
