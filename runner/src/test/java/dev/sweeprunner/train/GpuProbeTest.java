package dev.sweeprunner.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.Device;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The pure parts of the GPU record: versions, nvidia-smi lines, the physical device, TF32. */
class GpuProbeTest {

    static Stream<Arguments> smiLines() {
        return Stream.of(
                Arguments.of("H200", "NVIDIA H200, 570.124.06, 9.0", List.of("NVIDIA H200", "570.124.06", "9.0")),
                Arguments.of("older driver without compute_cap", "Tesla V100-SXM2-16GB, 470.57.02",
                        List.of("Tesla V100-SXM2-16GB", "470.57.02")),
                Arguments.of("error text", "", List.of()),
                Arguments.of("no name", ", 1.0", List.of()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("smiLines")
    void nvidiaSmiLines(String name, String line, List<String> expected) {
        assertEquals(expected, GpuProbe.parseSmiLine(line), name);
    }

    static Stream<Arguments> physicalDevices() {
        return Stream.of(
                Arguments.of("no variable: the engine's index", null, 1, "1"),
                Arguments.of("one GPU given to the worker", "3", 0, "3"),
                Arguments.of("a UUID", "GPU-5f2e", 0, "GPU-5f2e"),
                Arguments.of("second of two", "4,6", 1, "6"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("physicalDevices")
    void physicalDevice(String name, String variable, int deviceId, String expected) {
        Map<String, String> env = variable == null ? Map.of() : Map.of("CUDA_VISIBLE_DEVICES", variable);
        assertEquals(expected, GpuProbe.visibleDevice(Device.gpu(deviceId), env), name);
    }

    @Test
    void tf32OnlyFromAmpereOn() {
        assertEquals(GpuProbe.TF32_POLICY, GpuProbe.tf32Policy("9.0"));
        assertEquals(GpuProbe.TF32_POLICY, GpuProbe.tf32Policy("8.0"));
        assertEquals(GpuProbe.NO_TF32, GpuProbe.tf32Policy("7.0"));
    }

    @Test
    void noGpuMemoryOnTheCpu() {
        assertEquals(Double.NaN, GpuProbe.memoryInUseMib(Device.cpu()));
    }
}
