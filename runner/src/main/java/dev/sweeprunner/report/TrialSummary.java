package dev.sweeprunner.report;

import dev.sweeprunner.spec.DatasetShape;
import dev.sweeprunner.records.EpochConfusion;
import dev.sweeprunner.records.EpochRecord;
import dev.sweeprunner.records.TrialRecord;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** One trial's {@link Metric}s, derived from its records alone. */
public record TrialSummary(TrialResult result, Map<Metric, Double> values) {
    /** The test accuracy Table 1's headline is about: "reaches 88% in 4 epochs". */
    public static final double HEADLINE_ACCURACY = 0.88;

    public TrialSummary {
        values = Map.copyOf(values);
    }

    public TrialRecord trial() {
        return result.trial();
    }

    /** NaN when the trial has no such value (no epochs, never reached 88%, no confusion matrix). */
    public double value(Metric metric) {
        return values.getOrDefault(metric, Double.NaN);
    }

    public static TrialSummary of(TrialResult result) {
        Map<Metric, Double> values = new EnumMap<>(Metric.class);
        result.last().ifPresent(last -> {
            values.put(Metric.VAL_ACC, last.valAcc());
            values.put(Metric.TEST_ACC, last.testAcc());
            values.put(Metric.TEST_LOSS, last.testLoss());
            values.put(Metric.TRAINING_TIME_S, last.elapsedS());
        });
        result.best().ifPresent(best -> {
            values.put(Metric.BEST_EPOCH, (double) best.epoch());
            values.put(Metric.BEST_VAL_ACC, best.valAcc());
            values.put(Metric.BEST_TEST_ACC, best.testAcc());
        });
        result.epochs().stream().filter(e -> e.testAcc() >= HEADLINE_ACCURACY).findFirst()
                .ifPresent(e -> values.put(Metric.EPOCHS_TO_88, (double) e.epoch()));
        result.confusion(EpochConfusion.At.LAST)
                .filter(c -> result.last().map(EpochRecord::epoch).orElse(-1) == c.epoch())
                .ifPresent(c -> {
                    List<ClassMetrics.ClassRow> rows = ClassMetrics.rows(c.matrix(), DatasetShape.CLASS_NAMES);
                    values.put(Metric.MACRO_F1, ClassMetrics.macro(rows, ClassMetrics.ClassRow::f1));
                    values.put(Metric.WEIGHTED_F1, ClassMetrics.weighted(rows, ClassMetrics.ClassRow::f1));
                });
        if (!values.containsKey(Metric.TRAINING_TIME_S)) {
            values.put(Metric.TRAINING_TIME_S, result.trial().trainingTimeS());
        }
        values.values().removeIf(v -> Double.isNaN(v));
        return new TrialSummary(result, values);
    }
}
