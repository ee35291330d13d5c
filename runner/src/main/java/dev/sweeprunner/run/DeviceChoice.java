package dev.sweeprunner.run;

import ai.djl.Device;
import ai.djl.engine.Engine;
import dev.sweeprunner.UserError;

/** {@code --device}: auto = the GPU when DJL sees one, else the CPU. */
public enum DeviceChoice {
    AUTO,
    CPU,
    GPU;

    public Device resolve(Engine engine) {
        int gpus = engine.getGpuCount();
        return switch (this) {
            case CPU -> Device.cpu();
            case AUTO -> gpus > 0 ? Device.gpu() : Device.cpu();
            case GPU -> {
                if (gpus == 0) {
                    throw new UserError("--device gpu: no GPU visible to PyTorch " + engine.getVersion()
                            + " (CUDA runtime not found or CPU-only natives loaded); use --device auto or cpu");
                }
                yield Device.gpu();
            }
        };
    }
}
