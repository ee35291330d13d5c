package dev.sweeprunner.report;

import dev.sweeprunner.records.EpochRecord;
import dev.sweeprunner.records.TrialRecord;
import dev.sweeprunner.records.TrialStatus;
import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

/**
 * comparison.md: one table per architecture in the shape of reference Table 1. Besides each
 * trial's last epoch it shows the 4- and 15-epoch rows the reference reports, read from the
 * per-epoch records (time = wall time up to that epoch).
 */
public final class ComparisonTable {
    /** Table 1 reports the 100k CNN after 4 epochs and the 100k FCN after 15. */
    public static final List<Integer> REFERENCE_EPOCHS = List.of(4, 15);
    private static final String HEADER = "| model | weights | lr | epochs | dropout | val acc % | test acc % | training time (s) |\n"
            + "|---|---:|---:|---:|---:|---:|---:|---:|\n";

    /** A trial with its epoch rows, as read back from disk. */
    public record TrialEpochs(TrialRecord trial, List<EpochRecord> epochs) {}

    private ComparisonTable() {}

    public static void write(Writer out, String experiment, String description, List<TrialEpochs> trials)
            throws IOException {
        out.write("# " + experiment + ": FCN vs CNN\n\n");
        if (!description.isEmpty()) {
            out.write(description + "\n\n");
        }
        long completed = trials.stream().filter(t -> t.trial().status() == TrialStatus.COMPLETED).count();
        TreeSet<String> devices = new TreeSet<>();
        trials.forEach(t -> devices.add(t.trial().provenance() == null ? "?" : t.trial().provenance().device()));
        out.write(String.format(Locale.ROOT,
                "%d trials (%d completed) on %s. Accuracies in percent, time is wall-clock seconds including "
                        + "the per-epoch validation and test passes. Generated from `trials/*/` by the runner.%n%n",
                trials.size(), completed, String.join(", ", devices)));
        for (String arch : List.of("fcn", "cnn")) {
            List<String[]> rows = new ArrayList<>();
            trials.stream().filter(t -> t.trial().setting("arch").equals(arch))
                    .sorted(Comparator.comparingLong((TrialEpochs t) -> -t.trial().params()))
                    .forEach(t -> rows.addAll(rowsOf(t)));
            if (rows.isEmpty()) {
                continue;
            }
            out.write("## " + arch.toUpperCase(Locale.ROOT) + "\n\n" + HEADER);
            for (String[] row : rows) {
                out.write("| " + String.join(" | ", row) + " |\n");
            }
            out.write("\n");
        }
    }

    private static List<String[]> rowsOf(TrialEpochs t) {
        List<String[]> rows = new ArrayList<>();
        int last = t.epochs().size();
        for (EpochRecord e : t.epochs()) {
            boolean reference = REFERENCE_EPOCHS.contains(e.epoch()) && e.epoch() < last;
            if (reference || e.epoch() == last) {
                TrialRecord trial = t.trial();
                rows.add(new String[] {
                    trial.setting("arch").toUpperCase(Locale.ROOT),
                    String.format(Locale.ROOT, "%,d", trial.params()),
                    trial.setting("lr"),
                    Integer.toString(e.epoch()),
                    trial.setting("dropout"),
                    percent(e.valAcc()),
                    percent(e.testAcc()),
                    String.format(Locale.ROOT, "%.1f", e.elapsedS())
                });
            }
        }
        return rows;
    }

    private static String percent(double fraction) {
        return Double.isNaN(fraction) ? "" : String.format(Locale.ROOT, "%.2f", 100 * fraction);
    }
}
