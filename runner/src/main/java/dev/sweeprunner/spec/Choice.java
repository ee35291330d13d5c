package dev.sweeprunner.spec;

import java.util.Locale;

/** An enum whose YAML spelling is its lower-case name. */
public interface Choice {
    String name();

    default String yamlName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
