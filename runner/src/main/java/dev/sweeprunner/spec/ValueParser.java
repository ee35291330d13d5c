package dev.sweeprunner.spec;

import java.util.Arrays;
import java.util.stream.Collectors;

/** Turns one YAML scalar into a checked value, or says in a few words what is wrong with it. */
@FunctionalInterface
public interface ValueParser {
    Object parse(YamlNode.Scalar scalar);

    /** The message of this exception becomes the "what is wrong" part of a spec error. */
    final class Invalid extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public Invalid(String message) {
            super(message, null, false, false);
        }
    }

    static ValueParser integer(long min, long max) {
        return scalar -> {
            if (!(scalar.value() instanceof Long value)) {
                throw new Invalid("expected a whole number, got " + scalar.described());
            }
            if (value < min || value > max) {
                throw new Invalid("must be between " + min + " and " + max + ", got " + value);
            }
            return value;
        };
    }

    /** A real number in a range; each bound is inclusive or exclusive as the message says. */
    static ValueParser real(double min, boolean minInclusive, double max, boolean maxInclusive) {
        String range = (minInclusive ? "[" : "(") + fmt(min) + ", " + fmt(max) + (maxInclusive ? "]" : ")");
        return scalar -> {
            if (!(scalar.value() instanceof Number number)) {
                throw new Invalid("expected a number, got " + scalar.described());
            }
            double value = number.doubleValue();
            boolean aboveMin = minInclusive ? value >= min : value > min;
            boolean belowMax = maxInclusive ? value <= max : value < max;
            if (!Double.isFinite(value) || !aboveMin || !belowMax) {
                throw new Invalid("must be in " + range + ", got " + scalar.display());
            }
            return value;
        };
    }

    static ValueParser bool() {
        return scalar -> {
            if (!(scalar.value() instanceof Boolean value)) {
                throw new Invalid("expected true or false, got " + scalar.described());
            }
            return value;
        };
    }

    static ValueParser text() {
        return scalar -> {
            if (!(scalar.value() instanceof String value) || value.isBlank()) {
                throw new Invalid("expected text, got " + scalar.described());
            }
            return value;
        };
    }

    static <E extends Enum<E> & Choice> ValueParser choice(Class<E> type) {
        String allowed = Arrays.stream(type.getEnumConstants()).map(Choice::yamlName)
                .collect(Collectors.joining(" | "));
        return scalar -> {
            if (scalar.value() instanceof String value) {
                for (E constant : type.getEnumConstants()) {
                    if (constant.yamlName().equals(value)) {
                        return constant;
                    }
                }
            }
            throw new Invalid("unknown value " + scalar.display() + " (expected " + allowed + ")");
        };
    }

    private static String fmt(double bound) {
        return bound == Math.rint(bound) && Math.abs(bound) < 1e15 ? Long.toString((long) bound) : Double.toString(bound);
    }
}
