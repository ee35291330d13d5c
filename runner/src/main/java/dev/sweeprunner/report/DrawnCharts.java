package dev.sweeprunner.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The charts one sweep has drawn, each with the data it was drawn from. A sweep writes its report
 * twice, early (while its last trial trains) and after its last trial; given the same memo, the
 * second report draws only the charts whose data changed since, which shortens the wait between
 * the last trial and the sweep's end. A chart file that changed since we wrote it (another sweep
 * on the same directory) is drawn again.
 */
public final class DrawnCharts {
    private record Drawn(Object input, FileTime written) {}

    private final Map<Path, Drawn> drawn = new ConcurrentHashMap<>();

    /** Whether {@code file} is still the chart this memo drew from {@code input}. */
    boolean isCurrent(Path file, Object input) {
        Drawn earlier = drawn.get(file);
        return earlier != null && earlier.input().equals(input)
                && modified(file).filter(earlier.written()::equals).isPresent();
    }

    /** Notes that {@code file} was just drawn from {@code input}. */
    void drew(Path file, Object input) {
        modified(file).ifPresentOrElse(time -> drawn.put(file, new Drawn(input, time)), () -> drawn.remove(file));
    }

    private static Optional<FileTime> modified(Path file) {
        try {
            return Optional.of(Files.getLastModifiedTime(file));
        } catch (IOException e) {
            return Optional.empty(); // gone or unreadable: drawn again
        }
    }
}
