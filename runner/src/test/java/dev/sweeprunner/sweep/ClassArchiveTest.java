package dev.sweeprunner.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ClassArchiveTest {
    static final String WRITE = "-XX:ArchiveClassesAtExit=";
    static final String READ = "-XX:SharedArchiveFile=";

    @TempDir
    Path dir;

    Path jar;
    Path cache;

    @BeforeEach
    void setUp() throws IOException {
        jar = Files.write(dir.resolve("runner.jar"), new byte[] {1, 2, 3});
        cache = dir.resolve("cache");
    }

    ClassArchive archive() {
        return ClassArchive.of(cache, "/jdk", "17.0.15", jar.toString());
    }

    static String flag(ClassArchive.Launch launch, String prefix) {
        return launch.jvmFlags().stream().filter(f -> f.startsWith(prefix)).map(f -> f.substring(prefix.length()))
                .findFirst().orElse("");
    }

    @Test
    void theFirstWorkerWritesTheArchiveAndTheOthersStartPlain() {
        ClassArchive archive = archive();
        ClassArchive.Launch first = archive.nextWorker();
        ClassArchive.Launch second = archive.nextWorker();
        assertFalse(flag(first, WRITE).isEmpty(), first.jvmFlags().toString());
        assertTrue(first.jvmFlags().containsAll(ClassArchive.LOG_FLAGS));
        assertEquals(ClassArchive.LOG_FLAGS, second.jvmFlags());
    }

    static Stream<Arguments> exits() {
        return Stream.of(
                Arguments.of("clean exit publishes", 0, new byte[] {7}, true),
                Arguments.of("failed worker: not published", 1, new byte[] {7}, false),
                Arguments.of("stopped worker (SIGTERM): not published", 143, new byte[] {7}, false),
                Arguments.of("empty archive: not published", 0, new byte[0], false),
                Arguments.of("no archive written: nothing published", 0, null, false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("exits")
    void anArchiveIsPublishedOnlyAfterACleanExit(String name, int exitCode, byte[] written, boolean published)
            throws IOException {
        ClassArchive.Launch writer = archive().nextWorker();
        Path partial = Path.of(flag(writer, WRITE));
        if (written != null) {
            Files.write(partial, written);
        }
        writer.onExit().accept(exitCode);

        assertFalse(Files.exists(partial), "the partial file is gone either way");
        Path location = archive().location().orElseThrow();
        assertEquals(published, Files.isRegularFile(location));
        ClassArchive.Launch next = archive().nextWorker();
        assertEquals(published ? location.toString() : "", flag(next, READ), next.jvmFlags().toString());
    }

    @Test
    void aRebuiltJarGetsItsOwnArchive() throws IOException {
        Path before = archive().location().orElseThrow();
        assertEquals(before, archive().location().orElseThrow(), "same JVM and jar, same archive");
        Files.setLastModifiedTime(jar, FileTime.fromMillis(Files.getLastModifiedTime(jar).toMillis() + 1000));
        assertNotEquals(before, archive().location().orElseThrow());
        assertNotEquals(before, ClassArchive.of(cache, "/other-jdk", "17.0.15", jar.toString()).location().orElseThrow());
    }

    @Test
    void aNewArchiveReplacesThoseOfEarlierJars() throws IOException {
        Path earlier = archive().location().orElseThrow();
        Files.createDirectories(earlier.getParent());
        Files.write(earlier, new byte[] {1});
        Path unrelated = Files.write(earlier.resolveSibling("notes.txt"), new byte[] {2});
        Path killed = Files.write(earlier.resolveSibling(earlier.getFileName() + ".12345.partial"), new byte[] {4});
        Files.setLastModifiedTime(jar, FileTime.fromMillis(Files.getLastModifiedTime(jar).toMillis() + 1000));

        ClassArchive.Launch writer = archive().nextWorker();
        Files.write(Path.of(flag(writer, WRITE)), new byte[] {3});
        writer.onExit().accept(0);

        assertTrue(Files.isRegularFile(archive().location().orElseThrow()));
        assertFalse(Files.exists(earlier), "the rebuilt jar's archive replaces the old one");
        assertFalse(Files.exists(killed), "and a killed sweep's partial file");
        assertTrue(Files.exists(unrelated), "only archives are removed");
    }

    @Test
    void aClassPathWithADirectoryGetsNoArchive() throws IOException {
        Path classes = Files.createDirectories(dir.resolve("classes"));
        ClassArchive archive = ClassArchive.of(cache, "/jdk", "17.0.15", jar + File.pathSeparator + classes);
        assertTrue(archive.location().isEmpty());
        assertEquals(ClassArchive.LOG_FLAGS, archive.nextWorker().jvmFlags());
    }

    @Test
    void anUnwritableCacheOnlyCostsTime() throws IOException {
        Files.write(cache, List.of("a file where the cache directory should be"));
        assertEquals(ClassArchive.LOG_FLAGS, archive().nextWorker().jvmFlags());
    }
}
