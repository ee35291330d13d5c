package dev.sweeprunner.spec;

import java.util.LinkedHashMap;
import java.util.List;

/** Plain YAML data with the source location of every node, so validation can point at a line. */
public sealed interface YamlNode {
    SourceLocation location();

    /** A short word for messages: "a map", "a list", "a number"... */
    String kind();

    record Entry(SourceLocation keyLocation, YamlNode value) {}

    record Map(SourceLocation location, LinkedHashMap<String, Entry> entries) implements YamlNode {
        @Override
        public String kind() {
            return "a map";
        }
    }

    record Seq(SourceLocation location, List<YamlNode> items) implements YamlNode {
        @Override
        public String kind() {
            return "a list";
        }
    }

    /** A scalar as YAML typed it: text for strings, a Long or Double for numbers, Boolean, or null. */
    record Scalar(SourceLocation location, Object value) implements YamlNode {
        @Override
        public String kind() {
            if (value == null) {
                return "null";
            }
            if (value instanceof String) {
                return "text";
            }
            if (value instanceof Boolean) {
                return "a boolean";
            }
            return "a number";
        }

        /** The value as a message shows it; long text is cut, so a bad value cannot flood the terminal. */
        public String display() {
            return value instanceof String s ? "'" + shortened(s) + "'" : String.valueOf(value);
        }

        /** Kind and value ("text 'fast'", "a number 3"); an empty value is just "null (no value)". */
        public String described() {
            return value == null ? "null (no value)" : kind() + " " + display();
        }
    }

    /** Values longer than this are shown by their start and length. */
    int MAX_SHOWN_CHARS = 60;

    static String shortened(String text) {
        return text.length() <= MAX_SHOWN_CHARS ? text
                : text.substring(0, MAX_SHOWN_CHARS) + "... (" + text.length() + " characters)";
    }
}
