package dev.sweeprunner.spec;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A searched setting: {@code {uniform: [a, b]}}, {@code {loguniform: [a, b]}}, {@code {int: [a, b]}},
 * {@code {intlog: [a, b]}} or {@code {choice: [v1, v2, ...]}} in place of a value (only under
 * {@code search: strategy: random | tpe}). Bounds are inclusive and both ends are checked by the
 * field's own rules, so every value a search can draw is a valid value of the field.
 */
public sealed interface Distribution {
    /** The YAML key that names this kind of distribution. */
    String kind();

    /** Real numbers in [low, high]; {@code log}: uniform in log space (loguniform). */
    record Real(double low, double high, boolean log) implements Distribution {
        @Override
        public String kind() {
            return log ? "loguniform" : "uniform";
        }
    }

    /** Whole numbers in [low, high]; {@code log}: uniform in log space, then rounded (intlog). */
    record Whole(long low, long high, boolean log) implements Distribution {
        @Override
        public String kind() {
            return log ? "intlog" : "int";
        }
    }

    /** One of the listed values (already parsed by the field), equally likely a priori. */
    record OneOf(List<Object> values) implements Distribution {
        public OneOf {
            values = List.copyOf(values);
        }

        @Override
        public String kind() {
            return "choice";
        }
    }

    List<String> KINDS = List.of("uniform", "loguniform", "int", "intlog", "choice");

    /** {@code node} is the one-key map written in place of the field's value. */
    static Distribution parse(TrialField field, YamlNode.Map node, String path) {
        if (node.entries().size() != 1 || !KINDS.contains(node.entries().keySet().iterator().next())) {
            throw SpecError.at(node.location(), path, "expected a value, a list, or one of {"
                    + String.join(": [...]}, {", KINDS) + ": [...]}");
        }
        if (field.listValued()) {
            throw SpecError.at(node.location(), path, "a distribution cannot draw a list; give the alternatives "
                    + "as a list of lists");
        }
        if (field == TrialField.SEED || field == TrialField.FOLDS) {
            throw SpecError.at(node.location(), path, "not searched: each suggested configuration runs for every "
                    + "listed " + field.key() + " and the objective is their mean");
        }
        Map.Entry<String, YamlNode.Entry> only = node.entries().entrySet().iterator().next();
        String kind = only.getKey();
        String kindPath = path + "." + kind;
        if (!(only.getValue().value() instanceof YamlNode.Seq seq)) {
            throw SpecError.at(only.getValue().value().location(), kindPath,
                    "expected a list ('[...]'), got " + only.getValue().value().kind());
        }
        if (kind.equals("choice")) {
            if (seq.items().size() < 2) {
                throw SpecError.at(seq.location(), kindPath, "list at least two values to choose from");
            }
            List<Object> values = new ArrayList<>();
            for (int i = 0; i < seq.items().size(); i++) {
                Object value = SpecParser.scalar(seq.items().get(i), kindPath + "[" + i + "]", field::parse);
                if (values.contains(value)) {
                    throw SpecError.at(seq.items().get(i).location(), kindPath + "[" + i + "]", "listed twice");
                }
                values.add(value);
            }
            return new OneOf(values);
        }
        if (seq.items().size() != 2) {
            throw SpecError.at(seq.location(), kindPath, "expected [low, high], got " + seq.items().size() + " value(s)");
        }
        boolean log = kind.startsWith("log") || kind.equals("intlog");
        boolean whole = kind.startsWith("int");
        double[] ends = new double[2];
        for (int i = 0; i < 2; i++) {
            String endPath = kindPath + "[" + i + "]";
            YamlNode end = seq.items().get(i);
            if (!(end instanceof YamlNode.Scalar scalar) || !(scalar.value() instanceof Number number)) {
                throw SpecError.at(end.location(), endPath, "expected a number, got " + end.kind());
            }
            if (whole && !(number instanceof Long)) {
                throw SpecError.at(end.location(), endPath, kind + " draws whole numbers: expected a whole number, got "
                        + scalar.display());
            }
            // the field's own rules, applied to what a draw can produce at this end
            Object asDrawn = whole ? number : (Object) number.doubleValue();
            try {
                field.parse(new YamlNode.Scalar(end.location(), asDrawn));
            } catch (ValueParser.Invalid e) {
                String hint = !whole && e.getMessage().contains("whole number")
                        ? " (" + field.key() + " takes whole numbers: use int or intlog)" : "";
                throw SpecError.at(end.location(), endPath, e.getMessage() + hint);
            }
            ends[i] = number.doubleValue();
        }
        if (!(ends[0] < ends[1])) {
            throw SpecError.at(seq.location(), kindPath, "low must be below high, got [" + display(ends[0], whole)
                    + ", " + display(ends[1], whole) + "]");
        }
        if (log && ends[0] <= 0) {
            throw SpecError.at(seq.items().get(0).location(), kindPath + "[0]",
                    kind + " needs a low end above 0, got " + display(ends[0], whole));
        }
        return whole ? new Whole((long) ends[0], (long) ends[1], log) : new Real(ends[0], ends[1], log);
    }

    private static String display(double value, boolean whole) {
        return whole ? Long.toString((long) value) : Double.toString(value);
    }
}
