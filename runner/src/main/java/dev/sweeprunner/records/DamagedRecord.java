package dev.sweeprunner.records;

import java.nio.file.Path;

/**
 * A record file that exists but cannot be used (truncated, not JSON, wrong types, rows out of
 * order...). Readers that go through a whole directory catch it, name the file and go on; a
 * command that needs this one file lets it through, and the CLI prints it as a user error.
 */
public final class DamagedRecord extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final String problem;

    public DamagedRecord(Path file, String problem) {
        super(file + ": damaged: " + problem, null, false, false);
        this.file = file;
        this.problem = problem;
    }

    public Path file() {
        return file;
    }

    public String problem() {
        return problem;
    }
}
