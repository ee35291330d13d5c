package dev.sweeprunner.report;

import dev.sweeprunner.records.ConfusionMatrix;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * Per-class precision, recall, F1 and support from a confusion matrix, with scikit-learn's
 * conventions: a class never predicted has precision 0 ("zero_division=0"), macro F1 is the plain
 * mean over classes, weighted F1 weighs each class by its support.
 */
public final class ClassMetrics {
    /** One line of a classification report. */
    public record ClassRow(String name, double precision, double recall, double f1, long support) {}

    private ClassMetrics() {}

    public static List<ClassRow> rows(ConfusionMatrix m, List<String> classNames) {
        List<ClassRow> rows = new ArrayList<>();
        for (int c = 0; c < m.classes(); c++) {
            double precision = ratio(m.count(c, c), m.predicted(c));
            double recall = ratio(m.count(c, c), m.support(c));
            double f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
            rows.add(new ClassRow(classNames.get(c), precision, recall, f1, m.support(c)));
        }
        return rows;
    }

    /** The unweighted mean over classes (macro average). */
    public static double macro(List<ClassRow> rows, ToDoubleFunction<ClassRow> metric) {
        return rows.stream().mapToDouble(metric).average().orElse(Double.NaN);
    }

    /** The support-weighted mean over classes (weighted average). */
    public static double weighted(List<ClassRow> rows, ToDoubleFunction<ClassRow> metric) {
        long support = rows.stream().mapToLong(ClassRow::support).sum();
        return support == 0 ? Double.NaN
                : rows.stream().mapToDouble(r -> metric.applyAsDouble(r) * r.support()).sum() / support;
    }

    private static double ratio(long numerator, long denominator) {
        return denominator == 0 ? 0 : (double) numerator / denominator;
    }
}
