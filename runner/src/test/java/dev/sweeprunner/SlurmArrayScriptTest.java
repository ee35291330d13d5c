package dev.sweeprunner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * docker/slurm-array.sh picks the device from what the node offers (`make slurm-check` runs it for
 * real, on this CPU-only machine). Here it runs with stand-ins for srun (prints its command line)
 * and nvidia-smi (lists a GPU or none), under the variables Slurm would set.
 */
class SlurmArrayScriptTest {
    @TempDir
    Path dir;

    static final String GPU_LIST = "GPU 0: NVIDIA H100 80GB HBM3 (UUID: GPU-0)";
    static final String SWEEP = "sweep experiments/table1.yaml --shard auto";
    static final String JAR = "srun java -Dai.djl.offline=true -jar runner/target/runner.jar " + SWEEP;
    static final String CPU = JAR + " --device cpu";
    static final String GPU = JAR + " --device gpu";

    static Stream<Arguments> nodes() {
        return Stream.of(
                Arguments.of("no GPU anywhere", "", Map.of(), 0, CPU, "training on the CPU"),
                Arguments.of("Slurm allocated none though the node has some", GPU_LIST,
                        Map.of("CUDA_VISIBLE_DEVICES", ""), 0, CPU, "training on the CPU"),
                Arguments.of("Slurm's NoDevFiles", GPU_LIST, Map.of("CUDA_VISIBLE_DEVICES", "NoDevFiles"), 0,
                        CPU, "training on the CPU"),
                Arguments.of("an allocated GPU and a CUDA libtorch", "",
                        Map.of("CUDA_VISIBLE_DEVICES", "0", "PYTORCH_LIBRARY_PATH", "/opt/libtorch/lib"), 0,
                        GPU, "libtorch from /opt/libtorch/lib"),
                Arguments.of("Slurm's GPU list and the image", "",
                        Map.of("SLURM_JOB_GPUS", "3", "SWEEPRUNNER_IMAGE", "docker://sweeprunner:cuda12.8"), 0,
                        "srun apptainer run --nv --bind /node/results:/work/results --bind "
                                + "/node/experiments:/work/experiments docker://sweeprunner:cuda12.8 " + SWEEP
                                + " --device gpu", "the image docker://sweeprunner:cuda12.8"),
                Arguments.of("a GPU nvidia-smi lists, outside Slurm's GPU scheduling", GPU_LIST,
                        Map.of("PYTORCH_LIBRARY_PATH", "/opt/libtorch/lib"), 0, GPU, "GPU on"),
                Arguments.of("a GPU but only the jar's CPU natives", GPU_LIST, Map.of(), 2, "",
                        "no CUDA libtorch"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("nodes")
    void theScriptTrainsWhereTheNodeCan(String name, String gpus, Map<String, String> env, int exitCode,
            String command, String message) throws IOException, InterruptedException {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        stub(bin.resolve("srun"), "echo \"srun $*\"");
        stub(bin.resolve("nvidia-smi"), gpus.isEmpty() ? "exit 9" : "echo '" + gpus + "'");
        ProcessBuilder builder = new ProcessBuilder("bash", DockerImageTest.repo("docker/slurm-array.sh").toString())
                .directory(dir.toFile());
        builder.environment().clear();
        builder.environment().putAll(Map.of("PATH", bin + ":/usr/bin:/bin", "SLURM_ARRAY_TASK_ID", "1",
                "SLURM_ARRAY_TASK_COUNT", "4", "SLURM_ARRAY_TASK_MIN", "1"));
        builder.environment().putAll(env);
        Process process = builder.start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(exitCode, process.waitFor(), err);
        assertTrue(err.contains(message), err);
        // /node stands for the folder the task runs in
        assertEquals(command.replace("/node", dir.toRealPath().toString()), out.strip(),
                "what srun was asked to run (nothing if empty)");
    }

    private static void stub(Path file, String body) throws IOException {
        Files.writeString(file, String.join("\n", List.of("#!/bin/sh", body, "")));
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
}
