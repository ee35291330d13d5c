package dev.sweeprunner.sweep;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * Which GPU each worker JVM trains on. Workers are spread round robin over the GPUs this sweep
 * may use, and each sees only its own through {@code CUDA_VISIBLE_DEVICES}: PyTorch in the
 * worker then calls it {@code gpu:0}, allocates nothing on the others, and a CUDA error on one
 * GPU ends one worker's trial only. Pure: the environment and the engine's GPU count come in as
 * data, so the rule is tested with made-up device lists.
 */
public record GpuAssignment(List<String> gpus) {
    /** The variable CUDA reads to decide which devices a process sees, and in which order. */
    public static final String VISIBLE_DEVICES = "CUDA_VISIBLE_DEVICES";
    /** Where an NVIDIA MPS control daemon keeps its pipes unless told otherwise. */
    static final String MPS_PIPE_VARIABLE = "CUDA_MPS_PIPE_DIRECTORY";
    static final Path MPS_DEFAULT_PIPES = Path.of("/tmp/nvidia-mps");
    /**
     * Workers per GPU for {@code --workers auto} under MPS. A network of this tool's size keeps a
     * GPU busy a fraction of the time (each batch is a few small kernels launched from Java); MPS
     * lets two processes' kernels share the GPU at once instead of taking turns. Two is a choice
     * made by construction, not measured here (no GPU): see docs/gpu.md.
     */
    static final int WORKERS_PER_GPU_WITH_MPS = 2;

    public GpuAssignment {
        gpus = List.copyOf(gpus);
    }

    /**
     * The GPUs this process may use: the entries of {@code CUDA_VISIBLE_DEVICES} (indices or
     * UUIDs, in the order given) when it is set, else the engine's {@code 0..count-1}. An empty
     * variable hides every GPU, as it does for CUDA.
     */
    public static GpuAssignment of(Map<String, String> env, int engineGpuCount) {
        String visible = env.get(VISIBLE_DEVICES);
        if (visible == null) {
            return new GpuAssignment(IntStream.range(0, engineGpuCount).mapToObj(Integer::toString).toList());
        }
        List<String> ids = new ArrayList<>();
        for (String part : visible.split(",")) {
            String id = part.trim();
            if (id.isEmpty() || id.equals("-1")) {
                break; // CUDA stops reading the list at the first invalid entry
            }
            ids.add(id);
        }
        return new GpuAssignment(ids);
    }

    public boolean none() {
        return gpus.isEmpty();
    }

    /** The GPU of worker {@code worker} (0-based): round robin, so N workers on G GPUs differ by at most one per GPU. */
    public String forWorker(int worker) {
        if (gpus.isEmpty()) {
            throw new IllegalStateException("no GPU to assign");
        }
        return gpus.get(Math.floorMod(worker, gpus.size()));
    }

    /** The environment a worker adds to its own: {@code CUDA_VISIBLE_DEVICES} naming its one GPU. */
    public Map<String, String> environmentFor(int worker) {
        return Map.of(VISIBLE_DEVICES, forWorker(worker));
    }

    /**
     * {@code --workers auto} on GPUs: one worker per GPU, or {@value #WORKERS_PER_GPU_WITH_MPS}
     * when an MPS daemon runs (without MPS, processes on one GPU take turns and a second worker
     * mostly adds memory); never more than the cores, since every worker drives its GPU from a
     * CPU thread.
     */
    public int autoWorkers(boolean mpsRunning, int cores) {
        int perGpu = mpsRunning ? WORKERS_PER_GPU_WITH_MPS : 1;
        return Math.max(1, Math.min(gpus.size() * perGpu, cores));
    }

    /** Whether an MPS control daemon's pipe directory exists (its default one, or the one the environment names). */
    public static boolean mpsRunning(Map<String, String> env) {
        Path pipes = env.containsKey(MPS_PIPE_VARIABLE) ? Path.of(env.get(MPS_PIPE_VARIABLE)) : MPS_DEFAULT_PIPES;
        return Files.isDirectory(pipes) && Files.exists(pipes.resolve("control"));
    }
}
