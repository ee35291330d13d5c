package dev.sweeprunner.spec;

/**
 * A position in an experiment file, 1-based, printed as {@code file:line:col}; or an argument of
 * the command line ({@link #argument}), printed as {@code <command line>:arg N}.
 */
public record SourceLocation(String file, int line, int column) {
    /** The "file" of values given as {@code key=value} arguments. */
    public static final String COMMAND_LINE = "<command line>";

    /**
     * Argument {@code position} of a command (1 = the first word after its name). A command-line
     * value has no line: the position takes the line's place and the column is 0, which no file
     * location has.
     */
    public static SourceLocation argument(int position) {
        return new SourceLocation(COMMAND_LINE, position, 0);
    }

    @Override
    public String toString() {
        return column == 0 ? file + ":arg " + line : file + ":" + line + ":" + column;
    }
}
