package dev.sweeprunner.spec;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import dev.sweeprunner.UserError;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.function.Function;
import org.yaml.snakeyaml.LoaderOptions;

/**
 * Reads YAML as plain data (maps, lists, scalars) keeping each node's line and column.
 * Type tags and aliases are refused: an experiment file never needs them, and refusing
 * aliases rules out "billion laughs" expansion outright (an anchor alone expands nothing).
 */
public final class YamlReader {
    /** Experiment files are a few hundred lines; anything this large is not one. */
    private static final int MAX_FILE_CHARS = 1_000_000;
    /** Deep enough for any experiment file, shallow enough to stop a nesting bomb early. */
    private static final int MAX_NESTING = 50;

    private YamlReader() {}

    public static YamlNode read(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new UserError(file + ": experiment file not found");
        } catch (IOException e) {
            throw new UserError(file + ": cannot read experiment file (" + e.getMessage() + ")");
        }
        return parse(file.toString(), text);
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
            String message = e.getOriginalMessage().lines().findFirst().orElse("malformed YAML");
            throw SpecError.at(where.apply(e.getLocation()), "", "malformed YAML: " + message);
        } catch (IOException e) {
            throw new UserError(fileName + ": cannot read experiment file (" + e.getMessage() + ")");
        }
    }

    private static YamlNode readNode(YAMLParser parser, Function<JsonLocation, SourceLocation> where, int depth) throws IOException {
        SourceLocation here = where.apply(parser.currentTokenLocation());
        if (depth > MAX_NESTING) {
            throw SpecError.at(here, "", "nesting deeper than " + MAX_NESTING + " levels");
        }
        if (parser.isCurrentAlias()) {
            throw SpecError.at(here, "", "YAML aliases (*" + parser.getCurrentAnchor() + ") are not supported");
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
