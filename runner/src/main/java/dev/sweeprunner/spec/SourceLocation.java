package dev.sweeprunner.spec;

/** A position in an experiment file, 1-based, printed as {@code file:line:col}. */
public record SourceLocation(String file, int line, int column) {

    @Override
    public String toString() {
        return file + ":" + line + ":" + column;
    }
}
