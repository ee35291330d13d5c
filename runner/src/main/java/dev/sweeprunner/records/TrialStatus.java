package dev.sweeprunner.records;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

public enum TrialStatus {
    /** Started and not finished: the process was stopped, or is still training. */
    RUNNING,
    COMPLETED,
    FAILED;

    @JsonValue
    public String csvName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
