package dev.sweeprunner.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class InfoCommandTest {
    /** CUDA's version numbers (cudaRuntimeGetVersion) as `info` prints them. */
    @ParameterizedTest(name = "{0}: {1} is {2}")
    @CsvSource({
            "the image's CUDA, 12080, 12.8",
            "an older one, 11080, 11.8",
            "a two-digit minor version, 12100, 12.10",
            "a new major version, 13000, 13.0"})
    void cudaVersionsKeepTheirDot(String name, int version, String printed) {
        assertEquals(printed, dev.sweeprunner.train.GpuProbe.cudaVersion(version));
    }
}
