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
    INTERRUPTED,
    /**
     * Stopped by a search's ASHA scheduler at a rung (its epochs so far), its checkpoint kept: it
     * stays in every table with the epochs it trained, and an ASHA sweep that promotes it later
     * (more configurations reached the rung, or a raised max_epochs) continues it from there. A
     * plain sweep leaves it as it is.
     */
    PRUNED;

    @JsonValue
    public String csvName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** A trial the next plain sweep should run again (not completed, not a final failure). */
    public boolean resumable() {
        return this == RUNNING || this == INTERRUPTED;
    }
}
