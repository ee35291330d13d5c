package dev.sweeprunner.spec;

import java.util.List;

/**
 * An architecture family: the value of a trial's {@code arch} setting. This is the part every
 * stage sees (the spec checks names, the report titles, orders and colours results by it); the
 * plan-side part, sizing a network of the family to a budget, extends it in plan. Families are
 * registered in {@code META-INF/services/dev.sweeprunner.spec.Family}, one class per line, in the
 * order reports list them (see {@link Families}).
 */
public interface Family extends Choice {
    /** The YAML spelling of {@code arch}, e.g. "fcn"; also how records name the family. */
    @Override
    String name();

    @Override
    default String yamlName() {
        return name();
    }

    /** How reports title the family: table headings, chart legends, the model column. */
    String title();

    /** The family's line and marker colour in charts, 0xRRGGBB, the same in every chart. */
    int colour();

    /** The setting that gives a budget-sized network of this family its depth (it applies only to this family). */
    TrialField depthField();

    /**
     * True when an explicit network (a preset, {@code hidden:} widths or a {@code layers:} list)
     * belongs to this family. The first registered family that claims a network names it.
     */
    default boolean describes(List<Layer> layers) {
        return false;
    }
}
