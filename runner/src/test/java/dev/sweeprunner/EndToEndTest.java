package dev.sweeprunner;

import dev.sweeprunner.spec.DatasetShape;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sweeprunner.cli.Main;
import dev.sweeprunner.records.EpochRecord;
import dev.sweeprunner.records.EpochsCsv;
import dev.sweeprunner.records.TrialRecord;
import dev.sweeprunner.records.ConfusionMatrix;
import dev.sweeprunner.records.EpochConfusion;
import dev.sweeprunner.records.TrialStore;
import dev.sweeprunner.report.Report;
import dev.sweeprunner.report.TrialSummary;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One small sweep on the real Fashion-MNIST through the command line, as a user runs it. */
class EndToEndTest {
    @TempDir
    Path dir;

    @Test
    void smallSweepOnRealData() throws IOException {
        TestData.requireRealData();
        Path experiment = dir.resolve("e2e.yaml");
        Files.writeString(experiment, """
                name: e2e
                defaults: {epochs: 2, batch_size: 64}
                grid:
                  - {arch: fcn, budget: 50000}
                  - {arch: cnn, budget: 10000, conv_blocks: 2}
                """);
        Path results = dir.resolve("results");
        int code = Main.execute("sweep", experiment.toString(), "--results", results.toString(), "--train-limit", "6000",
                "--data-dir", TestData.REAL_DATA.toString());
        assertEquals(0, code);

        List<CSVRecord> epochs = read(results.resolve("epochs.csv"), EpochsCsv.COLUMNS);
        assertEquals(4, epochs.size());
        List<CSVRecord> trials = read(results.resolve(Report.TRIALS_CSV), null);
        assertEquals(2, trials.size());
        TrialStore store = new TrialStore(results);
        for (CSVRecord row : trials) {
            double testAcc = Double.parseDouble(row.get("test_acc"));
            double threshold = row.get("arch").equals("fcn") ? 0.75 : 0.55;
            assertTrue(testAcc > threshold && testAcc <= 1, row.get("arch") + " test_acc " + testAcc);
            assertEquals("completed", row.get("status"));
            assertEquals("2", row.get("epochs"));
            // the confusion matrix is the same evaluation as test_acc: 10,000 images, trace = correct
            ConfusionMatrix last = store.readConfusion(row.get("trial_id"), DatasetShape.CLASS_NAMES).stream()
                    .filter(c -> c.at() == EpochConfusion.At.LAST).findFirst().orElseThrow().matrix();
            assertEquals(10_000, last.total());
            assertEquals(testAcc, last.correct() / 10_000.0, 1e-9);
            assertTrue(Double.parseDouble(row.get("macro_f1")) > 0.5);
            assertTrue(Files.isRegularFile(store.trialDir(row.get("trial_id")).resolve(Report.CLASSES_CSV)));
        }
        assertEquals(2, read(results.resolve(Report.SUMMARY_CSV), null).size());
        String comparison = Files.readString(results.resolve("comparison.md"));
        assertTrue(comparison.contains("## FCN") && comparison.contains("## CNN"), comparison);
        String report = Files.readString(results.resolve(Report.REPORT_MD));
        try (var plots = Files.list(results.resolve(Report.PLOTS_DIR))) {
            List<Path> png = plots.toList();
            assertTrue(png.size() >= 2 + 2 * 2, "two accuracy charts; curves and a heatmap per trial: " + png);
            for (Path p : png) {
                assertTrue(report.contains(Report.PLOTS_DIR + "/" + p.getFileName()), p + " linked from report.md");
            }
        }
        assertEquals(Files.readString(experiment), Files.readString(results.resolve(TrialStore.EXPERIMENT_YAML)));

        // `evaluate` reloads each best.params into a fresh network: the test numbers of its epoch again
        for (TrialRecord trial : store.readAll()) {
            store.write(trial.withBestWeights(null)); // as recorded by a build without best weights
        }
        assertEquals(0, Main.execute("evaluate", results.toString(), "--data-dir", TestData.REAL_DATA.toString()));
        for (TrialRecord trial : store.readAll()) {
            List<EpochRecord> rows = store.readEpochs(trial.trialId());
            EpochRecord best = rows.stream().reduce((a, b) -> b.valAcc() > a.valAcc() ? b : a).orElseThrow();
            assertEquals(best.epoch(), trial.bestWeights().epoch());
            assertEquals(best.testAcc(), trial.bestWeights().testAcc(), 1e-12);
        }

        // a truncated best.params: that trial is named and skipped, the others still evaluated, exit 2
        List<TrialRecord> recorded = store.readAll();
        String damaged = recorded.get(0).trialId();
        Path truncated = store.trialDir(damaged).resolve(TrialStore.BEST_PARAMS);
        Files.write(truncated, Arrays.copyOf(Files.readAllBytes(truncated), 100));
        for (TrialRecord trial : recorded) {
            store.write(trial.withBestWeights(null));
        }
        assertEquals(2, Main.execute("evaluate", results.toString(), "--data-dir", TestData.REAL_DATA.toString()));
        for (TrialRecord trial : store.readAll()) {
            assertEquals(trial.trialId().equals(damaged), trial.bestWeights() == null, trial.trialId());
        }
    }

    private static List<CSVRecord> read(Path file, List<String> expectedHeader) throws IOException {
        try (Reader reader = Files.newBufferedReader(file);
                CSVParser parser = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).build().parse(reader)) {
            if (expectedHeader != null) {
                assertEquals(expectedHeader, parser.getHeaderNames());
            }
            return parser.getRecords();
        }
    }
}
