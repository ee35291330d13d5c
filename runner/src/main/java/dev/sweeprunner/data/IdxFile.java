package dev.sweeprunner.data;

import dev.sweeprunner.UserError;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * An IDX file (the MNIST format) of unsigned bytes: big-endian magic {@code 0x0000080N} with N
 * dimensions, N sizes, then the data. Gzip is recognised by its own magic, not the file name.
 */
public record IdxFile(int[] dims, byte[] data, byte[] rawBytes) {
    private static final int UNSIGNED_BYTE_TYPE = 0x08;
    private static final int MAX_DIMS = 4;

    public long count() {
        return dims[0];
    }

    /** Values per item: 784 for 28x28 images, 1 for labels. */
    public int itemSize() {
        int size = 1;
        for (int i = 1; i < dims.length; i++) {
            size *= dims[i];
        }
        return size;
    }

    public static IdxFile read(Path file) {
        byte[] raw;
        try {
            raw = decompressed(file, Files.readAllBytes(file));
        } catch (NoSuchFileException e) {
            throw new UserError(file + ": file not found");
        } catch (IOException e) {
            throw new UserError(file + ": cannot read (" + e.getMessage() + ")");
        }
        return parse(file.toString(), raw);
    }

    static byte[] decompressed(Path file, byte[] bytes) {
        boolean gzip = bytes.length >= 2 && (bytes[0] & 0xff) == 0x1f && (bytes[1] & 0xff) == 0x8b;
        if (!gzip) {
            return bytes;
        }
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
            return in.readAllBytes();
        } catch (EOFException e) {
            throw new UserError(file + ": truncated gzip data (the download or copy is incomplete)");
        } catch (ZipException e) {
            throw new UserError(file + ": corrupt gzip data (" + e.getMessage() + ")");
        } catch (IOException e) {
            throw new UserError(file + ": cannot decompress (" + e.getMessage() + ")");
        }
    }

    public static IdxFile parse(String name, byte[] raw) {
        if (raw.length < 4) {
            throw new UserError(name + ": truncated: " + raw.length + " bytes, too short for an IDX header");
        }
        ByteBuffer buffer = ByteBuffer.wrap(raw);
        int magic = buffer.getInt();
        int ndims = magic & 0xff;
        if ((magic >>> 16) != 0 || ((magic >>> 8) & 0xff) != UNSIGNED_BYTE_TYPE || ndims < 1 || ndims > MAX_DIMS) {
            throw new UserError(String.format("%s: not an IDX file of unsigned bytes (magic 0x%08x, expected 0x0000080N)",
                    name, magic));
        }
        if (raw.length < 4 + 4 * ndims) {
            throw new UserError(name + ": truncated inside the IDX header");
        }
        int[] dims = new int[ndims];
        long expected = 1;
        for (int i = 0; i < ndims; i++) {
            dims[i] = buffer.getInt();
            if (dims[i] < 0) {
                throw new UserError(name + ": negative size " + dims[i] + " in the IDX header");
            }
            expected *= dims[i];
        }
        long actual = raw.length - buffer.position();
        if (actual < expected) {
            throw new UserError(String.format("%s: truncated: header %s needs %d data bytes, file has %d",
                    name, Arrays.toString(dims), expected, actual));
        }
        if (actual > expected) {
            throw new UserError(String.format("%s: %d unexpected bytes after the data declared by header %s",
                    name, actual - expected, Arrays.toString(dims)));
        }
        byte[] data = Arrays.copyOfRange(raw, buffer.position(), raw.length);
        return new IdxFile(dims, data, raw);
    }
}
