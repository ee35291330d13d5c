package dev.sweeprunner.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sweeprunner.records.TrialStore;
import dev.sweeprunner.report.Report;
import dev.sweeprunner.report.ReportFixtures;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code runner report DIR}: regenerates from trial records alone and prints md, csv or json. */
class ReportCommandTest {
    @TempDir
    Path dir;

    Path results;

    @BeforeEach
    void trialsOnly() {
        results = dir.resolve("fixture");
        ReportFixtures.writeTo(new TrialStore(results));
    }

    /** --against: the fixture against itself matches every configuration; a wrong directory stops first. */
    @Test
    void againstAReferenceWritesAndPrintsTheComparison() throws IOException {
        CliTest.Result r = CliTest.run("report", results.toString(), "--against", results.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("| CNN | 9980 | 1-22-46-gap-10 | 1 2 3 | 83.00 | 1 2 3 | 83.00 | 80.00 | 87.00 | "
                + "0.00 | inside |"), r.out());
        assertTrue(Files.isRegularFile(results.resolve("against-reference.csv")));
        Path missing = dir.resolve("none");
        CliTest.Result bad = CliTest.run("report", results.toString(), "--against", missing.toString());
        assertEquals(2, bad.code());
        assertEquals("error: --against " + missing + ": no such directory", bad.err().strip());
        CliTest.Result empty = CliTest.run("report", results.toString(), "--against", dir.toString());
        assertEquals(2, empty.code());
        assertEquals("error: --against " + dir + ": no trial records (expected " + dir.resolve("trials")
                + "/<id>/trial.json)", empty.err().strip());
    }

    @Test
    void regeneratesEveryDerivedFileFromTrialRecords() throws IOException {
        CliTest.Result r = CliTest.run("report", results.toString());
        assertEquals(0, r.code(), r.err());
        for (String file : List.of(Report.EPOCHS_CSV, Report.TRIALS_CSV, Report.SUMMARY_CSV, Report.COMPARISON_MD,
                Report.REPORT_MD, Report.REPORT_HTML)) {
            assertTrue(Files.isRegularFile(results.resolve(file)), file);
        }
        assertTrue(Files.isRegularFile(results.resolve("trials/c100000000").resolve(Report.CLASSES_CSV)));
        assertTrue(Files.isRegularFile(results.resolve(Report.PLOTS_DIR).resolve("members-" + groupOfCnn() + ".png")),
                "a configuration with 3 seeds gets its per-seed chart");
        assertTrue(r.out().startsWith("| model | weights |"), r.out());
        String report = Files.readString(results.resolve(Report.REPORT_MD));
        assertTrue(report.contains("| CNN | 9,980 | 1-22-46-gap-10 | 3 | 83.00 ± 3.61 |"), report);

        String before = Files.readString(results.resolve(Report.SUMMARY_CSV));
        assertEquals(0, CliTest.run("report", results.toString()).code());
        assertEquals(before, Files.readString(results.resolve(Report.SUMMARY_CSV)), "regeneration is stable");
    }

    @Test
    void csvIsTidyAndJsonIsTyped() throws IOException {
        CliTest.Result csv = CliTest.run("report", results.toString(), "--format", "csv");
        assertEquals(0, csv.code(), csv.err());
        List<CSVRecord> rows = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).build()
                .parse(new StringReader(csv.out())).getRecords();
        assertEquals(2, rows.size(), "one row per configuration");
        assertEquals("0.830000", rows.get(0).get("test_acc_mean"));
        assertEquals("3", rows.get(0).get("n"));
        assertEquals(Files.readString(results.resolve(Report.SUMMARY_CSV)), csv.out());

        CliTest.Result json = CliTest.run("report", results.toString(), "--format", "JSON", "--table", "trials");
        assertEquals(0, json.code(), json.err());
        JsonNode trials = new ObjectMapper().readTree(json.out());
        assertEquals(5, trials.size());
        for (JsonNode t : trials) {
            boolean failed = t.get("trial_id").asText().equals("f200000000");
            assertEquals(failed ? "failed" : "completed", t.get("status").asText());
            assertTrue(failed ? t.get("test_acc").isNull() : t.get("test_acc").isNumber(), t.toString());
        }
    }

    @Test
    void diffWritesATableAPageAndAHeatmap() throws IOException {
        CliTest.Result r = CliTest.run("report", results.toString(), "--diff", "f1", "c1", "--format", "csv");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("T-shirt/top,8,-8,0"), r.out());
        String base = "confusion-diff-f100000000-minus-c100000000-last";
        assertTrue(Files.isRegularFile(results.resolve(base + ".md")));
        assertTrue(Files.isRegularFile(results.resolve(Report.PLOTS_DIR).resolve(base + ".png")));
        assertEquals(0, CliTest.run("report", results.toString()).code());
        assertTrue(Files.isRegularFile(results.resolve(Report.PLOTS_DIR).resolve(base + ".png")),
                "regeneration keeps requested charts");
        assertTrue(Files.readString(results.resolve(Report.REPORT_MD)).contains(base + ".md"));
    }

    @Test
    void userErrorsExitTwo() {
        for (String[] args : List.of(
                new String[] {"report", dir.resolve("nothing-here").toString()},
                new String[] {"report", results.toString(), "--diff", "zz", "c1"},
                new String[] {"report", results.toString(), "--diff", "c", "f1"},
                new String[] {"report", results.toString(), "--diff", "f2", "c1"},
                new String[] {"report", results.toString(), "--format", "xml"})) {
            CliTest.Result r = CliTest.run(args);
            assertEquals(2, r.code(), String.join(" ", args) + ": " + r.err());
            assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
        }
    }

    private String groupOfCnn() throws IOException {
        List<CSVRecord> rows = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).build()
                .parse(new StringReader(Files.readString(results.resolve(Report.SUMMARY_CSV)))).getRecords();
        return rows.get(0).get("group");
    }
}
