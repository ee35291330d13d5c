package dev.sweeprunner.report;

import dev.sweeprunner.spec.DatasetShape;
import dev.sweeprunner.UserError;
import dev.sweeprunner.records.AtomicFiles;
import dev.sweeprunner.records.ConfusionMatrix;
import dev.sweeprunner.records.EpochConfusion;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Study C's picture: trial A's test confusion matrix minus trial B's, as a table and a heatmap.
 * Made on request ({@code runner report DIR --diff A B}); a positive cell means A puts more
 * images there.
 */
public final class ConfusionDiff {
    /** The two trials compared, at which epoch, and the difference. */
    public record Result(TrialSummary a, TrialSummary b, EpochConfusion.At at, ConfusionMatrix difference) {
        public String baseName() {
            return Report.DIFF_PREFIX + a.trial().trialId() + "-minus-" + b.trial().trialId() + "-" + at.csvName();
        }

        public String title() {
            return String.format(Locale.ROOT, "Test confusion, %s epoch: %s (%s) minus %s (%s), images",
                    at.csvName(), a.trial().network(), a.trial().trialId(), b.trial().network(), b.trial().trialId());
        }
    }

    private ConfusionDiff() {}

    /** Trials are named by id or an unambiguous id prefix. */
    public static Result of(Report.Results results, String a, String b, EpochConfusion.At at) {
        TrialSummary first = find(results, a);
        TrialSummary second = find(results, b);
        return new Result(first, second, at, matrix(first, at).minus(matrix(second, at)));
    }

    /** Rows = true class, columns = predicted class, cells = A − B. */
    public static Table table(Result diff) {
        Table.Builder table = new Table.Builder().text("true_class");
        DatasetShape.CLASS_NAMES.forEach(table::number);
        ConfusionMatrix m = diff.difference();
        for (int t = 0; t < m.classes(); t++) {
            List<String> row = new ArrayList<>();
            row.add(DatasetShape.CLASS_NAMES.get(t));
            for (int p = 0; p < m.classes(); p++) {
                row.add(Long.toString(m.count(t, p)));
            }
            table.row(row);
        }
        return table.build();
    }

    /** Writes {@code <base>.md} (table + chart) and {@code plots/<base>.png} beside the report. */
    public static void write(Path resultsDir, Result diff) {
        String png = diff.baseName() + ".png";
        Plots.confusionDifference(resultsDir.resolve(Report.PLOTS_DIR).resolve(png), diff.title(), diff.difference());
        AtomicFiles.write(resultsDir.resolve(diff.baseName() + ".md"), writer -> {
            writer.write("# " + diff.title() + "\n\nPositive: the first trial predicts this cell more often; off the "
                    + "diagonal that is more mistakes of that kind, on it more correct answers.\n\n");
            TableFormat.MD.writeOut(table(diff), writer);
            writer.write("\n![difference heatmap](" + Report.PLOTS_DIR + "/" + png + ")\n");
        });
    }

    private static ConfusionMatrix matrix(TrialSummary t, EpochConfusion.At at) {
        return t.result().confusion(at).map(EpochConfusion::matrix).orElseThrow(() -> new UserError("trial "
                + t.trial().trialId() + " has no " + at.csvName() + "-epoch confusion matrix (runs before the "
                + "runner recorded confusion.csv have none; run it again)"));
    }

    private static TrialSummary find(Report.Results results, String idOrPrefix) {
        List<TrialSummary> matches = results.trials().stream()
                .filter(t -> t.trial().trialId().startsWith(idOrPrefix)).toList();
        if (matches.size() != 1) {
            throw new UserError("--diff: '" + idOrPrefix + "' matches " + (matches.isEmpty() ? "no trial"
                    : matches.size() + " trials") + "; trial ids are listed in " + Report.TRIALS_CSV);
        }
        return matches.get(0);
    }
}
