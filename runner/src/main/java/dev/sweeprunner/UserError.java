package dev.sweeprunner;

/**
 * An error the user can fix (bad experiment file, missing data, impossible budget, no GPU).
 * The CLI prints its message as one line and exits with code 2; no stack trace is captured.
 */
public final class UserError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UserError(String message) {
        super(message, null, false, false);
    }
}
