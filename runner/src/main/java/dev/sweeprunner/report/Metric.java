package dev.sweeprunner.report;

import dev.sweeprunner.records.EpochsCsv;
import java.util.Locale;

/**
 * The per-trial numbers summary tables report, in column order. Each is averaged over seeds (and
 * folds) in summary.csv as {@code <name>_mean} and {@code <name>_std}.
 */
public enum Metric {
    VAL_ACC("val_acc", Unit.FRACTION, "validation accuracy at the last epoch"),
    TEST_ACC("test_acc", Unit.FRACTION, "test accuracy at the last epoch"),
    TEST_LOSS("test_loss", Unit.LOSS, "test loss at the last epoch"),
    MACRO_F1("macro_f1", Unit.FRACTION, "test macro F1 at the last epoch"),
    WEIGHTED_F1("weighted_f1", Unit.FRACTION, "test support-weighted F1 at the last epoch"),
    BEST_EPOCH("best_epoch", Unit.EPOCHS, "epoch with the highest validation accuracy"),
    BEST_VAL_ACC("best_val_acc", Unit.FRACTION, "validation accuracy at the best epoch"),
    BEST_TEST_ACC("best_test_acc", Unit.FRACTION, "test accuracy at the best epoch"),
    EPOCHS_TO_88("epochs_to_88", Unit.EPOCHS, "first epoch with test accuracy >= 88%"),
    TRAINING_TIME_S("training_time_s", Unit.SECONDS, "wall time of all epochs, evaluation included");

    /** How a value is printed: fractions and losses with six decimals, times with three. */
    public enum Unit {
        FRACTION, LOSS, EPOCHS, SECONDS
    }

    private final String column;
    private final Unit unit;
    private final String meaning;

    Metric(String column, Unit unit, String meaning) {
        this.column = column;
        this.unit = unit;
        this.meaning = meaning;
    }

    public String column() {
        return column;
    }

    public Unit unit() {
        return unit;
    }

    public String meaning() {
        return meaning;
    }

    /** One trial's value; "" when missing (NaN). */
    public String format(double value) {
        if (Double.isNaN(value)) {
            return "";
        }
        return switch (unit) {
            case EPOCHS -> Long.toString(Math.round(value));
            case SECONDS -> EpochsCsv.seconds(value);
            default -> EpochsCsv.metric(value);
        };
    }

    /** A mean or standard deviation: epochs get decimals too (a mean of 4 and 5 is 4.5). */
    public String formatStatistic(double value) {
        if (Double.isNaN(value)) {
            return "";
        }
        return unit == Unit.SECONDS ? EpochsCsv.seconds(value) : String.format(Locale.ROOT, "%.6f", value);
    }
}
