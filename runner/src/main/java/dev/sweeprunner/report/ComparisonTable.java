package dev.sweeprunner.report;

import dev.sweeprunner.spec.Families;
import dev.sweeprunner.records.EpochRecord;
import dev.sweeprunner.records.TrialRecord;
import dev.sweeprunner.records.TrialStatus;
import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.ToDoubleFunction;

/**
 * comparison.md: one table per architecture family (in registration order, see {@link Families})
 * in the shape of reference Table 1, one row per
 * configuration (mean ± std over its seeds/folds when there are several). Besides the last epoch it
 * shows the 4- and 15-epoch rows the reference reports (time = wall time up to that epoch).
 */
public final class ComparisonTable {
    /** Table 1 reports the 100k CNN after 4 epochs and the 100k FCN after 15. */
    public static final List<Integer> REFERENCE_EPOCHS = List.of(4, 15);

    private ComparisonTable() {}

    public static void write(Writer out, String experiment, String description, List<TrialSummary> trials,
            List<Group> groups) throws IOException {
        List<String> families = Families.inReportOrder(groups.stream().map(g -> g.first().setting("arch")).toList());
        out.write("# " + experiment + ": " + String.join(" vs ", families.stream().map(Families::title).toList()) + "\n\n");
        if (!description.isEmpty()) {
            out.write(description + "\n\n");
        }
        long completed = trials.stream().filter(t -> t.trial().status() == TrialStatus.COMPLETED).count();
        TreeSet<String> devices = new TreeSet<>();
        trials.forEach(t -> devices.add(t.trial().provenance() == null ? "?" : t.trial().provenance().device()));
        out.write(String.format(Locale.ROOT,
                "%d trials (%d completed) on %s. Accuracies in percent, mean ± sample std over seeds where n > 1; "
                        + "time is wall-clock seconds including the per-epoch validation and test passes. "
                        + "Generated from `trials/*/` by the runner.%n%n",
                trials.size(), completed, String.join(", ", devices)));
        for (String arch : families) {
            Table table = table(family(groups, arch));
            if (table.rows().isEmpty()) {
                continue;
            }
            out.write("## " + Families.title(arch) + "\n\n");
            TableFormat.MD.writeOut(table, out);
            out.write("\n");
        }
    }

    /** The configurations of one architecture, as its table lists them: largest first. */
    static List<Group> family(List<Group> groups, String arch) {
        return groups.stream().filter(g -> g.first().setting("arch").equals(arch))
                .sorted(Comparator.comparingLong((Group g) -> -g.first().params())).toList();
    }

    /** One family's table (comparison.md and report.html): rows at the reference epochs and the last. */
    static Table table(List<Group> family) {
        Table.Builder table = new Table.Builder().text("model").number("weights").number("lr").number("epochs")
                .number("dropout").number("val acc %").number("test acc %").number("epochs to 88%")
                .number("training time (s)").number("n");
        family.forEach(g -> rowsOf(g).forEach(table::row));
        return table.build();
    }

    private static List<List<String>> rowsOf(Group g) {
        int last = g.members().stream().mapToInt(t -> t.result().epochs().size()).min().orElse(0);
        List<Integer> epochs = new ArrayList<>();
        REFERENCE_EPOCHS.stream().filter(e -> e < last).forEach(epochs::add);
        if (last > 0) {
            epochs.add(last);
        }
        TrialRecord trial = g.first();
        String to88 = plusMinus(g.stats(Metric.EPOCHS_TO_88), 1, "%.0f", "%.1f");
        List<List<String>> rows = new ArrayList<>();
        for (int epoch : epochs) {
            rows.add(List.of(
                    Families.title(trial.setting("arch")),
                    String.format(Locale.ROOT, "%,d", trial.params()),
                    trial.setting("lr"),
                    Integer.toString(epoch),
                    trial.setting("dropout"),
                    plusMinus(atEpoch(g, epoch, EpochRecord::valAcc), 100, "%.2f", "%.2f"),
                    plusMinus(atEpoch(g, epoch, EpochRecord::testAcc), 100, "%.2f", "%.2f"),
                    to88,
                    plusMinus(atEpoch(g, epoch, EpochRecord::elapsedS), 1, "%.1f", "%.1f"),
                    Integer.toString(g.n())));
        }
        return rows;
    }

    private static Stats atEpoch(Group g, int epoch, ToDoubleFunction<EpochRecord> value) {
        return g.stats(t -> {
            Optional<EpochRecord> e = t.result().epoch(epoch);
            return e.isPresent() ? value.applyAsDouble(e.get()) : Double.NaN;
        });
    }

    /** "91.79" for one value, "91.79 ± 0.12" for several, "" when missing. */
    static String plusMinus(Stats s, double scale, String meanFormat, String stdFormat) {
        if (Double.isNaN(s.mean())) {
            return "";
        }
        String mean = String.format(Locale.ROOT, meanFormat, scale * s.mean());
        return Double.isNaN(s.std()) ? mean : mean + " ± " + String.format(Locale.ROOT, stdFormat, scale * s.std());
    }
}
