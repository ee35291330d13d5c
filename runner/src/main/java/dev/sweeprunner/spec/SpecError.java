package dev.sweeprunner.spec;

import dev.sweeprunner.UserError;

/** Builds the one-line {@code FILE:LINE:COL: field.path: problem} message for experiment files. */
public final class SpecError {
    private SpecError() {}

    public static UserError at(SourceLocation location, String fieldPath, String problem) {
        String path = fieldPath.isEmpty() ? "" : fieldPath + ": ";
        return new UserError(location + ": " + path + problem);
    }
}
