package dev.sweeprunner.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Filesystem problems are user errors: exit 2, one line with the path and the OS's reason, no
 * stack trace. Each case fails before any training. The immutable directory and the full disk
 * need root (chattr, mount); elsewhere those cases are skipped.
 */
class FilesystemErrorsTest {
    @TempDir
    Path dir;

    /** Undone after each case: immutable flags, mounts. */
    private final List<List<String>> cleanup = new ArrayList<>();

    @FunctionalInterface
    interface Setup {
        /** Prepares the case and returns the command line to run. */
        String[] prepare(FilesystemErrorsTest test, Path dir) throws Exception;
    }

    static Stream<Arguments> cases() {
        String experiment = CliTest.repoFile("experiments/table1.yaml").toString();
        return Stream.of(
                Arguments.of("--results names a file", (Setup) (t, d) -> {
                    Path file = Files.writeString(d.resolve("file"), "x");
                    return new String[] {"sweep", experiment, "--results", file.toString()};
                }, "file: not a directory"),
                Arguments.of("--results under /proc", (Setup) (t, d) -> new String[] {"sweep", experiment, "--results",
                    "/proc/sweeprunner-test/results"}, "/proc/sweeprunner-test/results: cannot create the results directory"),
                Arguments.of("--results /dev/null", (Setup) (t, d) -> new String[] {"sweep", experiment, "--results",
                    "/dev/null"}, "/dev/null: not a directory"),
                Arguments.of("report of a file", (Setup) (t, d) -> new String[] {"report", "/dev/null"},
                        "/dev/null: not a directory"),
                Arguments.of("--results an immutable directory", (Setup) (t, d) -> {
                    Path locked = Files.createDirectory(d.resolve("locked"));
                    t.rootOnly(List.of("chattr", "+i", locked.toString()), List.of("chattr", "-i", locked.toString()));
                    return new String[] {"sweep", experiment, "--results", locked.toString()};
                }, "locked: cannot write in the results directory (Operation not permitted)"),
                Arguments.of("report on a full disk", (Setup) (t, d) -> {
                    Path full = Files.createDirectory(d.resolve("full"));
                    t.rootOnly(List.of("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", full.toString()),
                            List.of("umount", full.toString()));
                    Path source = CliTest.repoFile("results/reference/table1/trials/1aada7b596");
                    Path trial = Files.createDirectories(full.resolve("trials/1aada7b596"));
                    for (String name : List.of("trial.json", "epochs.csv")) {
                        Files.copy(source.resolve(name), trial.resolve(name));
                    }
                    try (OutputStream filler = Files.newOutputStream(full.resolve("filler"))) {
                        byte[] block = new byte[4096];
                        while (true) {
                            filler.write(block);
                            filler.flush();
                        }
                    } catch (IOException diskFull) {
                        // the disk is full now
                    }
                    return new String[] {"report", full.toString()};
                }, "(No space left on device)"));
    }

    void rootOnly(List<String> command, List<String> undo) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        Assumptions.assumeTrue(p.waitFor() == 0, () -> "needs root: " + command);
        cleanup.add(0, undo);
    }

    @AfterEach
    void undo() throws Exception {
        for (List<String> command : cleanup) {
            new ProcessBuilder(command).redirectErrorStream(true).start().waitFor();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void exitTwoWithThePathAndTheReason(String name, Setup setup, String expected) throws Exception {
        CliTest.Result r = CliTest.run(setup.prepare(this, dir));
        assertEquals(2, r.code(), r.out() + r.err());
        List<String> errors = r.err().lines().filter(l -> l.startsWith("error: ")).toList();
        assertEquals(1, errors.size(), r.err());
        assertTrue(errors.get(0).contains(expected), errors.get(0));
        assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
    }
}
