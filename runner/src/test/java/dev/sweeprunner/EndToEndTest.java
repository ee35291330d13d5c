package dev.sweeprunner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sweeprunner.cli.Main;
import dev.sweeprunner.records.EpochsCsv;
import dev.sweeprunner.report.SummaryCsv;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
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
        List<CSVRecord> summary = read(results.resolve("summary.csv"), SummaryCsv.COLUMNS);
        assertEquals(2, summary.size());
        for (CSVRecord row : summary) {
            double testAcc = Double.parseDouble(row.get("test_acc"));
            double threshold = row.get("arch").equals("fcn") ? 0.75 : 0.55;
            assertTrue(testAcc > threshold && testAcc <= 1, row.get("arch") + " test_acc " + testAcc);
            assertEquals("completed", row.get("status"));
            assertEquals("2", row.get("epochs"));
        }
        String comparison = Files.readString(results.resolve("comparison.md"));
        assertTrue(comparison.contains("## FCN") && comparison.contains("## CNN"), comparison);
    }

    private static List<CSVRecord> read(Path file, List<String> expectedHeader) throws IOException {
        try (Reader reader = Files.newBufferedReader(file);
                CSVParser parser = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).build().parse(reader)) {
            assertEquals(expectedHeader, parser.getHeaderNames());
            return parser.getRecords();
        }
    }
}
