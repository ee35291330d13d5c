package dev.sweeprunner.spec;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import dev.sweeprunner.UserError;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * Reads YAML as plain data (maps, lists, scalars) keeping each node's line and column.
 * Type tags and aliases are refused: an experiment file never needs them, and refusing
 * aliases rules out "billion laughs" expansion outright (an anchor alone expands nothing).
 */
public final class YamlReader {
    /** Experiment files are a few hundred lines; anything this large is not one. */
    private static final int MAX_FILE_CHARS = 1_000_000;
    /** Every character takes at most 4 bytes in UTF-8: the same bound, applied before decoding. */
    private static final int MAX_FILE_BYTES = 4 * MAX_FILE_CHARS;
    /**
     * A FIFO or device is read in the background and given this long: `plan <(generate)` works,
     * while a FIFO nobody writes to ends with a message instead of blocking forever.
     */
    private static final long SPECIAL_FILE_TIMEOUT_S = 10;
    /** Deep enough for any experiment file, shallow enough to stop a nesting bomb early. */
    private static final int MAX_NESTING = 50;

    private YamlReader() {}

    public static YamlNode read(Path file) {
        return read(file, SPECIAL_FILE_TIMEOUT_S);
    }

    /** As {@link #read(Path)}, giving a FIFO or device {@code timeoutS} seconds (tests wait less). */
    static YamlNode read(Path file, long timeoutS) {
        return parse(file.toString(), decode(file, readBounded(file, timeoutS)));
    }

    /**
     * At most {@link #MAX_FILE_BYTES} + 1 bytes of the file, whatever its kind: {@code /dev/zero}
     * is not read to the end, and a FIFO without a writer is given up after a timeout.
     */
    private static byte[] readBounded(Path file, long timeoutS) {
        if (!Files.exists(file)) {
            throw new UserError(file + ": experiment file not found");
        }
        if (Files.isDirectory(file)) {
            throw new UserError(file + ": is a directory, not an experiment file");
        }
        if (Files.isRegularFile(file)) {
            return readPrefix(file);
        }
        CompletableFuture<byte[]> read = CompletableFuture.supplyAsync(() -> readPrefix(file), runnable -> {
            Thread t = new Thread(runnable, "read-" + file.getFileName());
            t.setDaemon(true); // blocked in open() of a FIFO, it must not keep the JVM alive
            t.start();
        });
        try {
            return read.get(timeoutS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new UserError(file + ": not a regular file, and nothing could be read from it within "
                    + timeoutS + " s (a FIFO nobody writes to?)");
        } catch (ExecutionException e) {
            throw e.getCause() instanceof UserError u ? u : new UserError(file + ": cannot read experiment file ("
                    + e.getCause().getMessage() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UserError(file + ": reading interrupted");
        }
    }

    private static byte[] readPrefix(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] bytes = in.readNBytes(MAX_FILE_BYTES + 1);
            if (bytes.length > MAX_FILE_BYTES) {
                throw new UserError(file + ": larger than " + MAX_FILE_BYTES + " bytes; not an experiment file");
            }
            return bytes;
        } catch (NoSuchFileException e) {
            throw new UserError(file + ": experiment file not found");
        } catch (IOException e) {
            throw new UserError(file + ": cannot read experiment file (" + reason(e) + ")");
        }
    }

    /** UTF-8 text; the first byte that is not UTF-8 is named with its line and column. */
    static String decode(Path file, byte[] bytes) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length);
        CoderResult result = decoder.decode(in, out, true);
        if (result.isError()) {
            out.flip();
            String before = out.toString();
            int line = (int) before.chars().filter(c -> c == '\n').count() + 1;
            int column = before.length() - (before.lastIndexOf('\n') + 1) + 1;
            throw SpecError.at(new SourceLocation(file.toString(), line, column), "", String.format(
                    "not UTF-8 text (byte 0x%02X); save the file as UTF-8", bytes[in.position()] & 0xFF));
        }
        decoder.flush(out);
        out.flip();
        return out.toString();
    }

    /** The OS's reason alone (Java puts the path first, and our message names it already). */
    private static String reason(IOException e) {
        return e instanceof FileSystemException f && f.getReason() != null ? f.getReason() : String.valueOf(e.getMessage());
    }

    public static YamlNode parse(String fileName, String text) {
        return parse(fileName, text, location -> location(fileName, location));
    }

    /**
     * One value written on the command line ({@code lr=1e-3}: the text after '='), read as YAML
     * reads it in a file, so it gets the same types and the same checks. Every node, and any
     * error, is placed at {@code at}: the argument, not a line of it.
     */
    public static YamlNode parseValue(SourceLocation at, String text) {
        return parse(at.toString(), text, location -> at);
    }

    private static YamlNode parse(String fileName, String text, Function<JsonLocation, SourceLocation> where) {
        if (text.length() > MAX_FILE_CHARS) {
            throw new UserError(fileName + ": file is larger than " + MAX_FILE_CHARS + " characters");
        }
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(true); // we report duplicates ourselves, with both lines
        options.setMaxAliasesForCollections(0);
        options.setNestingDepthLimit(MAX_NESTING);
        options.setCodePointLimit(MAX_FILE_CHARS * 4);
        YAMLFactory factory = YAMLFactory.builder().loaderOptions(options).build();
        try (Reader reader = new StringReader(text);
                YAMLParser parser = factory.createParser(reader)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                throw SpecError.at(where.apply(null), "", "the file is empty");
            }
            YamlNode root = readNode(parser, where, 0);
            if (parser.nextToken() != null) {
                throw SpecError.at(where.apply(parser.currentTokenLocation()), "", "only one YAML document is allowed");
            }
            return root;
        } catch (JsonProcessingException e) {
            throw malformed(where, e);
        } catch (IOException e) {
            throw new UserError(fileName + ": cannot read experiment file (" + e.getMessage() + ")");
        }
    }

    /**
     * SnakeYAML's own problem and the place it was found (Jackson's location is where the scanner
     * started, often a line earlier), in words a user can act on.
     */
    private static UserError malformed(Function<JsonLocation, SourceLocation> where, JsonProcessingException e) {
        SourceLocation at = where.apply(e.getLocation());
        String problem = e.getOriginalMessage().lines().findFirst().orElse("");
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof MarkedYAMLException marked && marked.getProblemMark() != null) {
                Mark mark = marked.getProblemMark();
                at = where.apply(new JsonLocation(null, mark.getIndex(), mark.getLine() + 1, mark.getColumn() + 1));
                problem = marked.getProblem() == null ? problem : marked.getProblem();
                break;
            }
        }
        if (problem.contains("(TAB)") || problem.contains("\t")) {
            problem = "a tab character; YAML indents with spaces only";
        } else if (problem.startsWith("Expected a field name")) {
            problem = "a key must be plain text, not a list or a map";
        }
        return SpecError.at(at, "", "malformed YAML: " + problem);
    }

    private static YamlNode readNode(YAMLParser parser, Function<JsonLocation, SourceLocation> where, int depth) throws IOException {
        SourceLocation here = where.apply(parser.currentTokenLocation());
        if (depth > MAX_NESTING) {
            throw SpecError.at(here, "", "nesting deeper than " + MAX_NESTING + " levels");
        }
        if (parser.isCurrentAlias()) {
            throw SpecError.at(here, "", "YAML aliases (*" + parser.getText() + ") are not supported");
        }
        if (parser.getTypeId() != null) {
            throw SpecError.at(here, "", "YAML type tags (" + parser.getTypeId() + ") are not allowed");
        }
        JsonToken token = parser.currentToken();
        switch (token) {
            case START_OBJECT -> {
                LinkedHashMap<String, YamlNode.Entry> entries = new LinkedHashMap<>();
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String key = parser.currentName();
                    SourceLocation keyLocation = where.apply(parser.currentTokenLocation());
                    YamlNode.Entry earlier = entries.get(key);
                    if (earlier != null) {
                        throw SpecError.at(keyLocation, key,
                                "duplicate key (first defined at line " + earlier.keyLocation().line() + ")");
                    }
                    parser.nextToken();
                    entries.put(key, new YamlNode.Entry(keyLocation, readNode(parser, where, depth + 1)));
                }
                return new YamlNode.Map(here, entries);
            }
            case START_ARRAY -> {
                List<YamlNode> items = new ArrayList<>();
                while (parser.nextToken() != JsonToken.END_ARRAY) {
                    items.add(readNode(parser, where, depth + 1));
                }
                return new YamlNode.Seq(here, items);
            }
            case VALUE_STRING -> {
                return new YamlNode.Scalar(here, parser.getText());
            }
            case VALUE_NUMBER_INT -> {
                // no ?: here: it would promote the Long to a Double
                Object number = parser.getBigIntegerValue().bitLength() < Long.SIZE
                        ? (Object) parser.getLongValue() : (Object) parser.getDoubleValue();
                return new YamlNode.Scalar(here, number);
            }
            case VALUE_NUMBER_FLOAT -> {
                return new YamlNode.Scalar(here, parser.getDoubleValue());
            }
            case VALUE_TRUE, VALUE_FALSE -> {
                return new YamlNode.Scalar(here, token == JsonToken.VALUE_TRUE);
            }
            case VALUE_NULL -> {
                return new YamlNode.Scalar(here, null);
            }
            default -> throw SpecError.at(here, "", "unsupported YAML content (" + token + ")");
        }
    }

    private static SourceLocation location(String fileName, JsonLocation location) {
        if (location == null) {
            return new SourceLocation(fileName, 1, 1);
        }
        return new SourceLocation(fileName, Math.max(1, location.getLineNr()), Math.max(1, location.getColumnNr()));
    }
}
