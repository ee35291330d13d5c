package dev.sweeprunner.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sweeprunner.records.TrialStore;
import dev.sweeprunner.report.ReportFixtures;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code runner compare}: output in every format, n = 1, and one error line with exit code 2 for user errors. */
class CompareCommandTest {
    @TempDir
    static Path dir;

    static Path grid;
    static Path other;

    @BeforeEach
    void directories() {
        grid = dir.resolve("grid");
        other = dir.resolve("other");
        if (!Files.isDirectory(grid)) {
            ReportFixtures.writeGridTo(new TrialStore(grid));
            ReportFixtures.write(new TrialStore(other), ReportFixtures.results().subList(0, 3)); // the 10k CNN alone
        }
    }

    @Test
    void twoConfigurationsAsAReadableTable() {
        CliTest.Result r = CliTest.run("compare", grid.toString(), "arch=fcn,budget=100000", "arch=fcn,budget=50000");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("A: budget=100000 (FCN 784-110-109-10), seeds 1, 2, 3\n"
                + "B: budget=50000 (FCN 784-58-61-10), seeds 1, 2, 3\n"), r.out());
        // paired over seeds 1-3: +1.20 pp, interval and p from scipy (see ComparisonTest)
        assertTrue(r.out().contains("| test_acc (%) | 3, 3 | 88.43 | 87.23 | +1.20 | [+0.70, +1.70] | 0.009 * | paired |"),
                r.out());
        assertTrue(r.out().contains("| epochs_to_88 | 3, 3 |"), r.out());
        assertEquals(1, r.out().split("missing in some runs", -1).length - 1, "the reason is said once: " + r.out());
        assertEquals("", r.err());
    }

    @Test
    void nEqualsOneSaysNoIntervalCanBeGiven() {
        CliTest.Result r = CliTest.run("compare", grid.toString(), "budget=200000", "arch=fcn,budget=100000",
                "--metric", "test_acc,best_val_acc");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("| test_acc (%) | 1, 3 | 88.60 | 88.43 | +0.17 | n = 1 |  |  |"), r.out());
        assertTrue(r.out().contains("n = 1 on a side: no interval can be given"), r.out());
    }

    @Test
    void csvHasEveryNumberInItsOwnUnit() throws IOException {
        CliTest.Result r = CliTest.run("compare", grid.toString(), "arch=cnn,budget=50000", "arch=fcn,budget=50000",
                "--format", "csv");
        assertEquals(0, r.code(), r.err());
        List<CSVRecord> rows = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).build()
                .parse(new StringReader(r.out())).getRecords();
        assertEquals(10, rows.size(), "one row per metric");
        CSVRecord acc = rows.get(1);
        assertEquals("test_acc", acc.get("metric"));
        assertEquals("paired", acc.get("test"));
        assertEquals("0.030333", acc.get("difference"));
        assertEquals("0.000120736", acc.get("p_value"));
        assertEquals("true", acc.get("significant"));
        assertTrue(r.err().startsWith("A: arch=cnn"), "what is compared goes to stderr: " + r.err());
    }

    @Test
    void twoDirectoriesMatchConfigurationsInJson() throws IOException {
        CliTest.Result r = CliTest.run("compare", grid.toString(), grid.toString(), "--format", "json",
                "--metric", "test_acc");
        assertEquals(0, r.code(), r.err());
        JsonNode rows = new ObjectMapper().readTree(r.out());
        assertEquals(5, rows.size(), "one row per configuration");
        for (JsonNode row : rows) {
            assertTrue(row.get("configuration").isTextual(), row.toString());
            assertEquals(0.0, row.get("difference").asDouble(), row.toString());
            assertTrue(row.get("ci_low").isNull() && row.get("p_value").isNull(), "no interval: " + row);
            assertFalse(row.get("note").asText().isEmpty(), row.toString());
        }
    }

    record Refused(String name, List<String> args, String line) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Refused> refused() {
        return Stream.of(
                new Refused("no such directory", List.of("$missing", "a", "b"), "error: $missing: no such results directory"),
                new Refused("no such second directory", List.of("$grid", "$missing"), "error: $missing: no such results "
                        + "directory (to compare two selections of $grid, give both: runner compare $grid A B)"),
                new Refused("unknown trial", List.of("$grid", "t77", "t01"), "error: compare: A 't77' is neither a trial "
                        + "id (trials.csv) nor a configuration id (summary.csv, column group) nor a KEY=VALUE selection"),
                new Refused("several configurations", List.of("$grid", "t01", "arch=cnn"), "error: compare: B 'arch=cnn' "
                        + "selects 2 configurations; add one of budget=50000|100000 to pick one"),
                new Refused("nothing matched between directories", List.of("$grid", "$other"), "error: compare: $grid and "
                        + "$other have no configuration in common (completed trials with the same config apart from "
                        + "seed/fold): 5 and 1 configurations"),
                new Refused("too many arguments", List.of("$grid", "a", "b", "c"),
                        "error: compare: expected DIR A B or DIR1 DIR2, got 4 arguments"),
                new Refused("a directory without trials", List.of("$dir", "a", "b"),
                        "error: $dir: no trial records (expected $dir/trials/<id>/trial.json)"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refused")
    void userErrorsAreOneLineAndExitTwo(Refused c) {
        List<String> args = new ArrayList<>(List.of("compare"));
        c.args().forEach(a -> args.add(expand(a)));
        CliTest.Result r = CliTest.run(args.toArray(String[]::new));
        assertEquals(2, r.code(), r.err());
        assertEquals(expand(c.line()) + "\n", r.err());
        assertEquals("", r.out());
    }

    @Test
    void usageErrorsExitTwo() {
        for (List<String> args : List.of(List.of("compare", grid.toString()),
                List.of("compare", grid.toString(), "a", "b", "--metric", "accuracy"))) {
            CliTest.Result r = CliTest.run(args.toArray(String[]::new));
            assertEquals(2, r.code(), r.err());
            assertTrue(r.err().startsWith("error: "), r.err());
        }
    }

    private static String expand(String text) {
        return text.replace("$missing", dir.resolve("missing").toString()).replace("$grid", grid.toString())
                .replace("$other", other.toString()).replace("$dir", dir.toString());
    }
}
