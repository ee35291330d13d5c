package dev.sweeprunner.cli;

import dev.sweeprunner.plan.PlanOverrides;
import picocli.CommandLine.Option;

/** {@code --max-trials}, shared by plan and sweep (declared here once, its default in PlanOverrides). */
final class GridLimitOption {
    @Option(names = "--max-trials", paramLabel = "N", description = "refuse a grid of more than N trials "
            + "(default: " + PlanOverrides.DEFAULT_MAX_TRIALS + "; it is counted before it is expanded)")
    Long maxTrials;

    long value() {
        return maxTrials == null ? PlanOverrides.DEFAULT_MAX_TRIALS : maxTrials;
    }
}
