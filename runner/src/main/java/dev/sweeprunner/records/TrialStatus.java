package dev.sweeprunner.records;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** How a trial stands or ended, as written to trial.json and the CSVs. */
public enum TrialStatus {
    /** Started and not finished: still training, or its process died without a word (see the claim). */
    RUNNING,
    COMPLETED,
    /** The training loss became NaN or infinite; the trial was stopped at once. Rerunning repeats it. */
    DIVERGED,
    /** An exception, out-of-memory or a dead worker; its stderr is kept in the trial directory. */
    FAILED,
    /** Stopped on request (Ctrl-C, SIGTERM, --fail-fast); the next sweep runs it again. */
    INTERRUPTED;

    @JsonValue
    public String csvName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** A trial the next plain sweep should run again (not completed, not a final failure). */
    public boolean resumable() {
        return this == RUNNING || this == INTERRUPTED;
    }
}
