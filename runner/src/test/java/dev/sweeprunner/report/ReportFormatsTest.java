package dev.sweeprunner.report;

import dev.sweeprunner.spec.DatasetShape;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sweeprunner.Golden;
import dev.sweeprunner.records.ConfusionCsv;
import dev.sweeprunner.records.EpochConfusion;
import dev.sweeprunner.records.TrialRecord;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Golden files for every table the report writes, in every format, under a comma-decimal locale. */
@ExtendWith(Golden.CommaDecimalLocale.class)
class ReportFormatsTest {
    private static List<Group> groups() {
        return Group.of(ReportFixtures.summaries());
    }

    @Test
    void summaryInEveryFormat() throws IOException {
        Table summary = Tables.summary(groups());
        for (TableFormat format : TableFormat.values()) {
            assertGolden("summary." + format.extension(), write(format, summary));
        }
    }

    @Test
    void trialsCsv() throws IOException {
        assertGolden("trials.csv", write(TableFormat.CSV, Tables.trials(ReportFixtures.summaries(), groups())));
    }

    @Test
    void classesCsv() throws IOException {
        TrialResult fcn = ReportFixtures.results().get(3);
        assertGolden("classes.csv", write(TableFormat.CSV, Tables.classes(fcn.confusions())));
    }

    @Test
    void confusionCsvRoundTrips() throws IOException {
        List<EpochConfusion> matrices = ReportFixtures.results().get(3).confusions();
        StringWriter out = new StringWriter();
        ConfusionCsv.write(out, DatasetShape.CLASS_NAMES, matrices);
        assertGolden("confusion.csv", out.toString());
        Path file = Files.createTempFile("confusion", ".csv");
        Files.writeString(file, out.toString());
        assertEquals(matrices, ConfusionCsv.read(file, DatasetShape.CLASS_NAMES));
        Files.delete(file);
    }

    @Test
    void comparisonMarkdown() throws IOException {
        StringWriter out = new StringWriter();
        ComparisonTable.write(out, "fixture", "Hand-made trials.", ReportFixtures.summaries(), groups());
        assertGolden("comparison.md", out.toString());
    }

    @Test
    void confusionDifferenceTable() throws IOException {
        Report.Results results = new Report.Results("fixture", "", ReportFixtures.summaries(), groups());
        ConfusionDiff.Result diff = ConfusionDiff.of(results, "f1", "c1", EpochConfusion.At.LAST);
        assertEquals("confusion-diff-f100000000-minus-c100000000-last", diff.baseName());
        assertGolden("confusion-diff.csv", write(TableFormat.CSV, ConfusionDiff.table(diff)));
    }

    /** The three CNN fixtures as folds 1-3 of one cross-validated configuration (seed 1). */
    @Test
    void foldsCsv() throws IOException {
        List<TrialSummary> folds = ReportFixtures.results().subList(0, 3).stream().map(r -> {
            TrialRecord t = r.trial();
            java.util.Map<String, Object> config = new java.util.LinkedHashMap<>(t.config());
            config.put("fold", t.planIndex());
            config.put("seed", 1);
            TrialRecord asFold = new TrialRecord(t.trialId(), t.configHash(), t.experiment(), t.planIndex(), config,
                    t.params(), t.widths(), t.network(), t.status(), t.epochsCompleted(), t.trainingTimeS(),
                    t.startedAt(), t.finishedAt(), t.error(), t.provenance(), null);
            return TrialSummary.of(new TrialResult(asFold, r.epochs(), r.confusions()));
        }).toList();
        Table table = Tables.folds(Group.of(folds));
        assertEquals(1, table.rows().size());
        assertGolden("folds.csv", write(TableFormat.CSV, table));
    }

    /** report.md of a grid with seeds: configurations, charts, neighbouring configurations and their tests. */
    @Test
    void reportMarkdown() throws IOException {
        List<TrialSummary> trials = ReportFixtures.gridSummaries();
        StringWriter out = new StringWriter();
        ReportMarkdown.write(out, new Report.Results("grid", "Budgets by architecture, seeds 1-3", trials,
                Group.of(trials)), true, List.of());
        assertGolden("report.md", out.toString());
    }

    /** {@code runner compare}'s machine-readable output: every metric, one selection against another. */
    @Test
    void comparisonInCsvAndJson() throws IOException {
        List<TrialSummary> trials = ReportFixtures.gridSummaries();
        Comparison.Result result = Comparison.within(new Report.Results("grid", "", trials, Group.of(trials)),
                "arch=cnn,budget=50000", "arch=fcn,budget=50000,seed=1,2", List.of(Metric.values()));
        for (TableFormat format : List.of(TableFormat.CSV, TableFormat.JSON)) {
            assertGolden("compare." + format.extension(), write(format, Comparison.table(result)));
        }
    }

    private static String write(TableFormat format, Table table) throws IOException {
        StringWriter out = new StringWriter();
        format.writeOut(table, out);
        return out.toString();
    }

    private static void assertGolden(String name, String actual) throws IOException {
        Golden.assertMatches(name, actual);
    }
}
