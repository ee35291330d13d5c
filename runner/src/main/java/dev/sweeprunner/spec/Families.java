package dev.sweeprunner.spec;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.stream.Collectors;

/**
 * The registry of architecture families: every {@link Family} listed in
 * {@code META-INF/services/dev.sweeprunner.spec.Family}, in the file's order. Java's service
 * loader lets the spec and the report find families implemented in plan without importing it.
 * Adding a family is its class plus one line in that file.
 */
public final class Families {
    /** Loaded once; families are stateless, so one instance of each serves every trial. */
    private static final List<Family> ALL = ServiceLoader.load(Family.class, Families.class.getClassLoader()).stream()
            .map(ServiceLoader.Provider::get).toList();

    private Families() {}

    /** Every registered family, in registration order (the order of reports). */
    public static List<Family> all() {
        return ALL;
    }

    public static Optional<Family> byName(String name) {
        return ALL.stream().filter(f -> f.name().equals(name)).findFirst();
    }

    /** The checker of the {@code arch} setting: a registered family's name. */
    static Family parse(YamlNode.Scalar scalar) {
        if (scalar.value() instanceof String value) {
            Optional<Family> family = byName(value);
            if (family.isPresent()) {
                return family.get();
            }
        }
        throw new ValueParser.Invalid("unknown value " + scalar.display() + " (expected "
                + ALL.stream().map(Family::name).collect(Collectors.joining(" | ")) + ")");
    }

    /** The first registered family that claims an explicit network (see {@link Family#describes}). */
    public static Optional<Family> describing(List<Layer> layers) {
        return ALL.stream().filter(f -> f.describes(layers)).findFirst();
    }

    /**
     * How reports title a family named in records; a name no longer registered (records of another
     * version) is shown upper-case rather than dropped.
     */
    public static String title(String name) {
        return byName(name).map(Family::title).orElse(name.toUpperCase(Locale.ROOT));
    }

    /** Names in report order: registered families first, in registration order, then others by name. */
    public static List<String> inReportOrder(Collection<String> names) {
        return names.stream().distinct().sorted(Comparator.comparingInt((String n) -> {
            int index = ALL.indexOf(byName(n).orElse(null));
            return index < 0 ? ALL.size() : index;
        }).thenComparing(Comparator.naturalOrder())).toList();
    }
}
