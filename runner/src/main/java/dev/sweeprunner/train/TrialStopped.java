package dev.sweeprunner.train;

import dev.sweeprunner.records.TrialStatus;

/** Ends a trial early with a status other than failed: diverged or interrupted. */
public final class TrialStopped extends RuntimeException {
    private final TrialStatus status;

    public TrialStopped(TrialStatus status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    public TrialStatus status() {
        return status;
    }

    /** The status a trial ends with when {@code error} ended it (null: it completed). */
    public static TrialStatus statusOf(Throwable error) {
        if (error == null) {
            return TrialStatus.COMPLETED;
        }
        return error instanceof TrialStopped stopped ? stopped.status() : TrialStatus.FAILED;
    }
}
