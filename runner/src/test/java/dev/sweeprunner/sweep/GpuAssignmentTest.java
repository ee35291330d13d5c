package dev.sweeprunner.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The GPU of each worker, from made-up environments and engine GPU counts. */
class GpuAssignmentTest {

    static Stream<Arguments> assignments() {
        return Stream.of(
                // name, CUDA_VISIBLE_DEVICES (null = unset), engine's count, workers, expected GPU per worker
                Arguments.of("one GPU, one worker", null, 1, 1, List.of("0")),
                Arguments.of("eight GPUs, eight workers", null, 8, 8, List.of("0", "1", "2", "3", "4", "5", "6", "7")),
                Arguments.of("two GPUs, five workers: round robin", null, 2, 5, List.of("0", "1", "0", "1", "0")),
                Arguments.of("the variable's order is kept", "3,1", 2, 3, List.of("3", "1", "3")),
                Arguments.of("UUIDs pass through", "GPU-aa, GPU-bb", 2, 2, List.of("GPU-aa", "GPU-bb")),
                Arguments.of("CUDA stops at the first invalid entry", "2,-1,5", 1, 2, List.of("2", "2")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("assignments")
    void workersGetTheirGpus(String name, String visible, int engineCount, int workers, List<String> expected) {
        Map<String, String> env = new HashMap<>();
        if (visible != null) {
            env.put(GpuAssignment.VISIBLE_DEVICES, visible);
        }
        GpuAssignment gpus = GpuAssignment.of(env, engineCount);
        assertEquals(expected, IntStream.range(0, workers).mapToObj(gpus::forWorker).toList(), name);
        assertEquals(Map.of(GpuAssignment.VISIBLE_DEVICES, expected.get(0)), gpus.environmentFor(0));
    }

    @Test
    void anEmptyVariableHidesEveryGpu() {
        GpuAssignment gpus = GpuAssignment.of(Map.of(GpuAssignment.VISIBLE_DEVICES, ""), 4);
        assertTrue(gpus.none());
        assertThrows(IllegalStateException.class, () -> gpus.forWorker(0));
    }

    static Stream<Arguments> autoCounts() {
        return Stream.of(
                Arguments.of("one GPU, no MPS", 1, false, 16, 1),
                Arguments.of("eight GPUs, no MPS", 8, false, 64, 8),
                Arguments.of("one GPU with MPS", 1, true, 16, 2),
                Arguments.of("eight GPUs with MPS, few cores", 8, true, 12, 12),
                Arguments.of("four GPUs, two cores", 4, false, 2, 2));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("autoCounts")
    void autoWorkerCount(String name, int gpuCount, boolean mps, int cores, int expected) {
        GpuAssignment gpus = GpuAssignment.of(Map.of(), gpuCount);
        assertEquals(expected, gpus.autoWorkers(mps, cores), name);
    }

    @Test
    void mpsIsSeenByItsPipeDirectory(@TempDir Path dir) throws Exception {
        Map<String, String> env = Map.of("CUDA_MPS_PIPE_DIRECTORY", dir.toString());
        assertEquals(false, GpuAssignment.mpsRunning(env), "no control pipe yet");
        Files.createFile(dir.resolve("control"));
        assertEquals(true, GpuAssignment.mpsRunning(env));
    }
}
