package dev.sweeprunner.plan;

import dev.sweeprunner.spec.ExperimentSpec;
import java.util.List;

/**
 * The trials of an experiment in declared order. {@code collapsedDuplicates} counts grid
 * combinations that resolved to an already planned trial (e.g. momentum values under Adam).
 */
public record Plan(ExperimentSpec spec, List<Trial> trials, int collapsedDuplicates) {
    public Plan {
        trials = List.copyOf(trials);
    }
}
