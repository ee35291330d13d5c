package dev.sweeprunner.records;

import dev.sweeprunner.UserError;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.UUID;

/** Writes a file through a synced temporary and an atomic rename: readers see old or new, never half. */
public final class AtomicFiles {
    /** What to write; the writer is flushed and synced afterwards. */
    @FunctionalInterface
    public interface Content {
        void writeTo(Writer writer) throws IOException;
    }

    @FunctionalInterface
    private interface ChannelContent {
        void writeTo(FileChannel channel) throws IOException;
    }

    private AtomicFiles() {}

    public static void write(Path target, Content content) {
        writeVia(target, channel -> {
            Writer writer = writer(channel);
            content.writeTo(writer);
            writer.flush();
        });
    }

    /** The same for binary content (PNG charts). */
    public static void writeBytes(Path target, byte[] bytes) {
        writeVia(target, channel -> {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
        });
    }

    /**
     * As {@link #write}, but when the disk is too full for a second copy, the file is rewritten in
     * place: a small record that has to say "failed: disk full" reuses its own blocks. A crash
     * during that rewrite can leave the file partial; readers name such a file as damaged.
     */
    public static void writeEvenIfFull(Path target, Content content) {
        try {
            write(target, content);
        } catch (UserError e) {
            if (!Files.isRegularFile(target) || !e.getMessage().contains(NO_SPACE)) {
                throw e;
            }
            try (FileChannel channel = FileChannel.open(target, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                Writer writer = writer(channel);
                content.writeTo(writer);
                writer.flush();
                channel.force(true);
            } catch (IOException inPlace) {
                throw new UserError("cannot write " + target + " (" + reason(inPlace) + ")");
            }
        }
    }

    /**
     * A UTF-8 writer whose every byte reaches the file or fails: Channels.newWriter's encoder
     * ignores a short write (a full disk) and drops the rest, so its bytes go through
     * Channels.newOutputStream, which writes until all are written or the OS says why not.
     */
    static Writer writer(FileChannel channel) {
        return new OutputStreamWriter(Channels.newOutputStream(channel), StandardCharsets.UTF_8);
    }

    /** Linux's reason for ENOSPC, as Java reports it. */
    private static final String NO_SPACE = "No space left on device";

    private static void writeVia(Path target, ChannelContent content) {
        // unique per writer: two sweeps sharing a directory may rewrite the same report at once
        Path temporary = target.resolveSibling("." + target.getFileName() + "." + UUID.randomUUID() + ".tmp");
        try {
            Files.createDirectories(target.toAbsolutePath().getParent());
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
                content.writeTo(channel);
                channel.force(true);
            }
            Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            try {
                Files.deleteIfExists(temporary);
            } catch (IOException ignored) {
                // the original error is the one to report
            }
            throw new UserError("cannot write " + target + " (" + reason(e) + ")");
        }
    }

    /**
     * The OS's reason for an I/O error ("No space left on device", "Read-only file system"...),
     * without the path Java puts before it (our messages name the path themselves).
     */
    public static String reason(IOException e) {
        if (e instanceof FileSystemException f) {
            if (f.getReason() != null) {
                return f.getReason();
            }
            return e instanceof java.nio.file.AccessDeniedException ? "permission denied"
                    : e instanceof java.nio.file.NoSuchFileException ? "no such file or directory"
                    : e instanceof java.nio.file.FileAlreadyExistsException ? "already exists"
                    : e instanceof java.nio.file.NotDirectoryException ? "not a directory"
                    : e instanceof java.nio.file.DirectoryNotEmptyException ? "directory not empty"
                    : e.getClass().getSimpleName();
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
