package dev.sweeprunner.report;

import dev.sweeprunner.records.TrialStatus;
import dev.sweeprunner.spec.Monitor;
import java.util.List;

/**
 * What the best-so-far charts draw, the same in the PNGs and in report.html: per configuration its
 * objective and the best so far, against its number and against the estimated CPU time spent up to
 * its end. A value type, so an unchanged search is not drawn again ({@link DrawnCharts}).
 *
 * @param axis the objective's axis title
 * @param scale what the objective is multiplied by for display (100: accuracies in %)
 */
public record SearchChart(String axis, double scale, List<Point> points) {
    /**
     * @param ranToEnd every trial completed, so it competes for the best; else pruned at a rung,
     *     or failed, or still running (its objective, where it has one, is at the epochs it reached)
     */
    public record Point(int number, double objective, double bestSoFar, double cumulativeCpuS, boolean ranToEnd,
            String status) {}

    public SearchChart {
        points = List.copyOf(points);
    }

    /** Whether the chart against configurations has a point: some configuration has an objective. */
    public boolean byConfiguration() {
        return points.stream().anyMatch(p -> Double.isFinite(p.objective()));
    }

    /** Whether the chart against CPU time has a point: one with an objective and an estimate. */
    public boolean byCpu() {
        return points.stream().anyMatch(p -> Double.isFinite(p.objective()) && Double.isFinite(p.cumulativeCpuS()));
    }

    public static SearchChart of(SearchProgress search) {
        boolean accuracy = search.objective().metric() == Monitor.VAL_ACC;
        String axis = (accuracy ? "validation accuracy (%)" : "validation loss") + ", "
                + (search.objective().maximize() ? "best" : "lowest") + " epoch, mean over seeds/folds";
        return new SearchChart(axis, accuracy ? 100 : 1, search.configurations().stream()
                .map(c -> new Point(c.number(), c.objective(), c.bestSoFar(), c.cumulativeCpuS(),
                        c.status() == TrialStatus.COMPLETED, c.status().csvName()))
                .toList());
    }
}
