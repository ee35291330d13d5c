package dev.sweeprunner.report;

import java.util.Collection;

/**
 * Mean and sample standard deviation (n - 1 in the denominator, as pandas and numpy's ddof=1).
 * A missing value in any member makes both missing: a mean over only the seeds that, say,
 * reached 88% would look better than the group is. The std of one value is missing too.
 */
public record Stats(int n, double mean, double std) {
    public static Stats of(Collection<Double> values) {
        int n = values.size();
        if (n == 0 || values.stream().anyMatch(v -> v == null || Double.isNaN(v))) {
            return new Stats(n, Double.NaN, Double.NaN);
        }
        double mean = values.stream().mapToDouble(Double::doubleValue).sum() / n;
        if (n == 1) {
            return new Stats(1, mean, Double.NaN);
        }
        double squares = values.stream().mapToDouble(v -> (v - mean) * (v - mean)).sum();
        return new Stats(n, mean, Math.sqrt(squares / (n - 1)));
    }
}
