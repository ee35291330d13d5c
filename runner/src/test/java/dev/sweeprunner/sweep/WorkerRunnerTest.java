package dev.sweeprunner.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WorkerRunnerTest {
    @Test
    void workersGetTheAllocatorSettingsTheUserDidNotSet() {
        Map<String, String> environment = new HashMap<>(Map.of("MALLOC_TOP_PAD_", "0", "PATH", "/bin"));
        WorkerRunner.withNativeAllocatorSettings(environment);
        assertEquals("0", environment.get("MALLOC_TOP_PAD_"), "the user's own value wins");
        assertEquals("33554432", environment.get("MALLOC_MMAP_THRESHOLD_"));
        assertEquals(Long.toString(16L << 30), environment.get("MALLOC_TRIM_THRESHOLD_"));
        assertEquals("/bin", environment.get("PATH"));
    }
}
