package dev.sweeprunner.spec;

import java.util.LinkedHashMap;
import java.util.List;

/**
 * {@code key=value} arguments of a command ({@code runner sweep FILE epochs=5 lr=1e-3,1e-4}): each
 * sets a trial field for every trial, over the file's defaults and grid blocks; a comma list is
 * a grid axis. The text after '=' is read as YAML reads a value in the file, and then checked by
 * the same field rules ({@link SpecParser}), so a value means and fails the same either way; only
 * the location differs: {@code <command line>:arg N}.
 */
public record Overrides(List<Argument> arguments) {
    public static final Overrides NONE = new Overrides(List.of());

    /** One argument as typed, and its position after the command's name (1 = first). */
    public record Argument(String text, int position) {}

    public Overrides {
        arguments = List.copyOf(arguments);
    }

    public boolean isEmpty() {
        return arguments.isEmpty();
    }

    /**
     * The arguments as the YAML map a {@code defaults:} block would be. A value without brackets
     * is wrapped in them, so {@code lr=1e-3,1e-4} reads as {@code [1e-3, 1e-4]} (two values) and
     * {@code hidden=256,128} as one list of widths; {@code hidden=[[256],[512]]} sweeps, as in a file.
     */
    YamlNode.Map asYaml() {
        LinkedHashMap<String, YamlNode.Entry> entries = new LinkedHashMap<>();
        for (Argument argument : arguments) {
            SourceLocation at = SourceLocation.argument(argument.position());
            String text = argument.text();
            int equals = text.indexOf('=');
            if (equals <= 0) {
                throw SpecError.at(at, "", "expected key=value (e.g. epochs=5 or lr=1e-3,1e-4), got '" + text + "'");
            }
            String key = text.substring(0, equals).trim();
            String value = text.substring(equals + 1).trim();
            YamlNode.Entry earlier = entries.get(key);
            if (earlier != null) {
                throw SpecError.at(at, key, "given twice (first at " + earlier.keyLocation() + "); "
                        + "list the values in one argument, e.g. " + key + "=a,b");
            }
            if (value.isEmpty()) {
                throw SpecError.at(at, key, "no value after '='");
            }
            YamlNode node = YamlReader.parseValue(at, value.startsWith("[") ? value : "[" + value + "]");
            if (node instanceof YamlNode.Seq seq && seq.items().size() == 1
                    && TrialField.byKey(key).map(f -> !f.listValued()).orElse(true)) {
                node = seq.items().get(0); // one value: a scalar, as 'lr: 0.001' in a file
            }
            entries.put(key, new YamlNode.Entry(at, node));
        }
        return new YamlNode.Map(SourceLocation.argument(arguments.isEmpty() ? 0 : arguments.get(0).position()), entries);
    }
}
