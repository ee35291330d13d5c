package dev.sweeprunner.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

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

    /** Only the JVM's JAVA_TOOL_OPTIONS banner is dropped from a worker's stderr. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "the banner | Picked up JAVA_TOOL_OPTIONS: -Djava.awt.headless=true | true",
            "a JVM warning | OpenJDK 64-Bit Server VM warning: Options -Xverify:none deprecated | false",
            "a line quoting it | error: Picked up JAVA_TOOL_OPTIONS: unexpected | false"})
    void theToolOptionsBannerIsRecognised(String name, String line, boolean banner) {
        assertEquals(banner, WorkerRunner.isToolOptionsBanner(line));
    }
}
