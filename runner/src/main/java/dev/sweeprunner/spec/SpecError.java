package dev.sweeprunner.spec;

import dev.sweeprunner.UserError;

/** Builds the one-line {@code FILE:LINE:COL: field.path: problem} message for experiment files. */
public final class SpecError {
    private SpecError() {}

    public static UserError at(SourceLocation location, String fieldPath, String problem) {
        // a path holds the file's keys, as long as the user wrote them
        String path = fieldPath.isEmpty() ? "" : YamlNode.shortened(fieldPath) + ": ";
        return new UserError(location + ": " + path + problem);
    }
}
