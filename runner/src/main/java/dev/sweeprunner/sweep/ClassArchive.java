package dev.sweeprunner.sweep;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntConsumer;
import java.util.stream.Stream;

/**
 * A class-data-sharing archive (AppCDS) for worker JVMs: the classes a worker loads (Jackson,
 * DJL, training, records; picocli's Java 5 class files cannot be archived) mapped from one file,
 * already parsed and verified, instead of read from the jar at every start (about 0.5 s less per worker here, see README,
 * Performance). The first sweep without one has one worker write it as it exits (about 1 s more,
 * once). It is published only after that worker exited cleanly: the JVM crashes on a truncated
 * archive. Its name carries the JVM's and the jars' identity (path, size, time), so a rebuilt
 * jar or another JDK gets a new archive instead of a stale one.
 */
public final class ClassArchive {
    /**
     * Every worker: JVM warnings go to stderr, which the sweep relays and keeps, never to stdout,
     * the protocol channel. The archive's own messages are off: writing one warns about each class
     * it leaves out (~200 lines), and a refused one only costs time.
     */
    static final List<String> LOG_FLAGS = List.of("-Xlog:disable", "-Xlog:all=warning:stderr", "-Xlog:cds*=off:stderr");
    private static final int KEY_DIGITS = 16;
    private static final String NAME_PREFIX = "worker-";
    /** Without an archive: workers start as plain JVMs. */
    private static final ClassArchive NONE = new ClassArchive(null);

    /** The flags one worker starts with, and what to do with its exit code once it has exited. */
    public record Launch(List<String> jvmFlags, IntConsumer onExit) {
        /** Nothing to do when a worker that neither reads nor writes an archive exits. */
        static final IntConsumer NOTHING = code -> { };
        /** A worker without an archive. */
        static final Launch PLAIN = new Launch(LOG_FLAGS, NOTHING);

        public Launch {
            jvmFlags = List.copyOf(jvmFlags);
        }
    }

    private final Path archive;
    private final AtomicBoolean writerChosen = new AtomicBoolean();

    private ClassArchive(Path archive) {
        this.archive = archive;
    }

    /**
     * The archive for workers started by this JVM ({@code java.home}, its class path), kept in
     * {@code cacheDir}. The JVM archives classes from jar files only, so a class path with a
     * directory (a build's classes, the tests) gets none.
     */
    public static ClassArchive forThisJvm(Path cacheDir) {
        return of(cacheDir, System.getProperty("java.home"), System.getProperty("java.vm.version"),
                System.getProperty("java.class.path"));
    }

    static ClassArchive of(Path cacheDir, String javaHome, String vmVersion, String classPath) {
        StringBuilder identity = new StringBuilder(javaHome).append('\n').append(vmVersion);
        for (String entry : classPath.split(File.pathSeparator)) {
            Path jar = Path.of(entry);
            if (!Files.isRegularFile(jar)) {
                return NONE;
            }
            try {
                identity.append('\n').append(jar.toAbsolutePath()).append(' ').append(Files.size(jar)).append(' ')
                        .append(Files.getLastModifiedTime(jar).toMillis());
            } catch (IOException e) {
                return NONE;
            }
        }
        return new ClassArchive(cacheDir.resolve("class-archives").resolve(NAME_PREFIX + key(identity) + ".jsa"));
    }

    /**
     * Flags for the next worker: read the archive if there is one; else the first worker asked
     * writes it (to a private file, renamed into place after a clean exit); the others start plain.
     */
    public Launch nextWorker() {
        if (archive == null) {
            return Launch.PLAIN;
        }
        if (Files.isRegularFile(archive)) {
            return new Launch(with("-XX:SharedArchiveFile=" + archive), Launch.NOTHING);
        }
        if (!writerChosen.compareAndSet(false, true)) {
            return Launch.PLAIN;
        }
        try {
            Files.createDirectories(archive.getParent());
        } catch (IOException e) {
            return Launch.PLAIN; // the archive only saves time
        }
        Path partial = archive.resolveSibling(archive.getFileName() + "." + ProcessHandle.current().pid() + ".partial");
        return new Launch(with("-XX:ArchiveClassesAtExit=" + partial), code -> publish(partial, code));
    }

    /** Where the archive is (or will be); empty for {@link #NONE}. */
    Optional<Path> location() {
        return Optional.ofNullable(archive);
    }

    private void publish(Path partial, int exitCode) {
        try {
            if (exitCode == 0 && Files.isRegularFile(partial) && Files.size(partial) > 0) {
                Files.move(partial, archive, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                removeOthers();
            }
        } catch (IOException e) {
            // not published: the next sweep's first worker writes one again
        } finally {
            try {
                Files.deleteIfExists(partial);
            } catch (IOException e) {
                // a stray partial file is never read: only the published name is
            }
        }
    }

    /**
     * One archive per cache, the newest jar's: each rebuilt jar would otherwise leave ~13 MB behind,
     * and so would the partial file of a sweep that was killed. A JVM using a removed archive keeps
     * its mapping; the next worker of that jar writes it again.
     */
    private void removeOthers() throws IOException {
        try (Stream<Path> files = Files.list(archive.getParent())) {
            for (Path other : files.filter(f -> f.getFileName().toString()
                            .matches(NAME_PREFIX + "[0-9a-f]+\\.jsa(\\.[0-9]+\\.partial)?"))
                    .filter(f -> !f.equals(archive)).toList()) {
                Files.deleteIfExists(other);
            }
        }
    }

    private static List<String> with(String flag) {
        List<String> flags = new ArrayList<>(LOG_FLAGS);
        flags.add(flag);
        return flags;
    }

    private static String key(CharSequence identity) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(identity.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest).substring(0, KEY_DIGITS);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
