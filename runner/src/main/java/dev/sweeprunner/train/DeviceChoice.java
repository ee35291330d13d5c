package dev.sweeprunner.train;

import ai.djl.Device;
import ai.djl.engine.Engine;
import dev.sweeprunner.UserError;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** {@code --device}: auto = the GPU when DJL sees one, else the CPU. */
public enum DeviceChoice {
    AUTO,
    CPU,
    GPU;

    /**
     * Whether a CUDA GPU may be visible, without loading the engine (half a second of a core that a
     * sweep's coordinator only spends to choose its worker count). On Linux a GPU needs the NVIDIA
     * driver, which containers and hosts alike expose as /proc/driver/nvidia and /dev/nvidia*;
     * elsewhere only the engine can tell.
     */
    public static boolean mayHaveGpu() {
        boolean linux = System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux");
        return !linux || Files.exists(Path.of("/proc/driver/nvidia")) || Files.exists(Path.of("/dev/nvidia0"));
    }

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
