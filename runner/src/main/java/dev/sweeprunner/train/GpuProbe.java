package dev.sweeprunner.train;

import ai.djl.Device;
import ai.djl.util.cuda.CudaUtils;
import dev.sweeprunner.records.GpuInfo;
import java.io.IOException;
import java.lang.management.MemoryUsage;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What a trial records about its GPU, and how much device memory it uses. Name, driver and
 * compute capability come from {@code nvidia-smi} (the NVIDIA container runtime mounts it into
 * containers started with {@code --gpus}); the CUDA runtime version from DJL. Nothing here runs
 * per batch.
 */
public final class GpuProbe {
    /** DJL reads this when its engine starts and sets cuDNN's benchmark mode from it. */
    public static final String CUDNN_BENCHMARK_PROPERTY = "ai.djl.pytorch.cudnn_benchmark";
    private static final String UNKNOWN = "unknown";
    private static final long NVIDIA_SMI_TIMEOUT_SECONDS = 10;
    /** TF32 exists from compute capability 8.0 (Ampere) on. */
    private static final double TF32_FROM_CAPABILITY = 8.0;
    /**
     * libtorch's defaults, which DJL 0.35.1 has no call to change: matrix products in full fp32
     * (cuBLAS TF32 off, torch.backends.cuda.matmul.allow_tf32 = False) and convolutions free to use
     * TF32 (torch.backends.cudnn.allow_tf32 = True).
     */
    static final String TF32_POLICY = "matmul fp32, conv tf32";
    static final String NO_TF32 = "fp32 (no tf32 before compute capability 8.0)";
    private static final long MIB = 1L << 20;

    private GpuProbe() {}

    public static GpuInfo describe(Device device, Map<String, String> env) {
        String visible = visibleDevice(device, env);
        List<String> smi = nvidiaSmi(visible);
        String capability = smi.size() > 2 ? smi.get(2) : capabilityFromCuda(device);
        return new GpuInfo(smi.isEmpty() ? UNKNOWN : smi.get(0), visible, smi.size() > 1 ? smi.get(1) : UNKNOWN,
                CudaUtils.hasCuda() ? cudaVersion(CudaUtils.getCudaVersion()) : UNKNOWN, capability,
                tf32Policy(capability), Boolean.getBoolean(CUDNN_BENCHMARK_PROPERTY));
    }

    /** The physical GPU behind {@code device}: its CUDA_VISIBLE_DEVICES entry when the variable narrows the view. */
    static String visibleDevice(Device device, Map<String, String> env) {
        String variable = env.get("CUDA_VISIBLE_DEVICES");
        if (variable != null) {
            String[] entries = variable.split(",");
            if (device.getDeviceId() < entries.length && !entries[device.getDeviceId()].isBlank()) {
                return entries[device.getDeviceId()].trim();
            }
        }
        return Integer.toString(device.getDeviceId());
    }

    /**
     * CUDA's integer version (1000 x major + 10 x minor, e.g. 12080) as people write it: "12.8".
     * DJL's own getCudaVersionString() drops the dot ("128").
     */
    public static String cudaVersion(int version) {
        return (version / 1000) + "." + (version % 1000) / 10;
    }

    static String tf32Policy(String capability) {
        try {
            return Double.parseDouble(capability) >= TF32_FROM_CAPABILITY ? TF32_POLICY : NO_TF32;
        } catch (NumberFormatException e) {
            return TF32_POLICY + " (if compute capability >= 8.0)";
        }
    }

    /** "name, driver, capability" of one GPU, split; empty when nvidia-smi is missing or fails. */
    static List<String> parseSmiLine(String line) {
        List<String> fields = new ArrayList<>();
        for (String field : line.split(",")) {
            fields.add(field.trim());
        }
        return fields.size() >= 2 && !fields.get(0).isEmpty() ? fields : List.of();
    }

    private static List<String> nvidiaSmi(String visible) {
        try {
            Process process = new ProcessBuilder("nvidia-smi", "--query-gpu=name,driver_version,compute_cap",
                    "--format=csv,noheader", "-i", visible).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!process.waitFor(NVIDIA_SMI_TIMEOUT_SECONDS, TimeUnit.SECONDS) || process.exitValue() != 0) {
                return List.of();
            }
            return parseSmiLine(out.lines().findFirst().orElse(""));
        } catch (IOException e) {
            return List.of(); // no nvidia-smi on this host
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of();
        }
    }

    private static String capabilityFromCuda(Device device) {
        String digits = CudaUtils.hasCuda() ? CudaUtils.getComputeCapability(device.getDeviceId()) : "";
        return digits.length() >= 2 ? digits.substring(0, digits.length() - 1) + "." + digits.charAt(digits.length() - 1)
                : UNKNOWN;
    }

    /**
     * Device memory in use, MiB (CUDA's total minus free: PyTorch's cached blocks and the CUDA
     * context included); NaN on the CPU. A driver call, no stream synchronisation.
     */
    public static double memoryInUseMib(Device device) {
        if (!device.isGpu() || !CudaUtils.hasCuda()) {
            return Double.NaN;
        }
        MemoryUsage usage = CudaUtils.getGpuMemory(device);
        return (double) usage.getUsed() / MIB;
    }
}
