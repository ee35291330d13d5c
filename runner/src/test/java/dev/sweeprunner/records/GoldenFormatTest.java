package dev.sweeprunner.records;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sweeprunner.report.SummaryCsv;
import dev.sweeprunner.report.SummaryRow;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.commons.csv.CSVPrinter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Seals the machine-readable formats: a change to a header or number format must update a golden file. */
class GoldenFormatTest {
    private Locale saved;

    @BeforeEach
    void commaDecimalLocale() {
        saved = Locale.getDefault();
        Locale.setDefault(Locale.GERMANY); // numbers must not turn into "0,5"
    }

    @AfterEach
    void restore() {
        Locale.setDefault(saved);
    }

    static TrialRecord trial() {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("arch", "cnn");
        config.put("budget", 10000);
        config.put("conv_blocks", 3);
        config.put("optimizer", "adam");
        config.put("lr", 0.001);
        config.put("weight_decay", 0.0);
        config.put("init", "kaiming_uniform");
        config.put("dropout", 0.2);
        config.put("batch_norm", true);
        config.put("batch_size", 64);
        config.put("epochs", 20);
        config.put("seed", 1);
        Provenance provenance = new Provenance("0.1.0", "abc", false, "0.35.1", "2.7.1", "PyTorch", "cpu", 2, "jvm",
                "os", "host", "cpu", 2);
        return new TrialRecord("0123456789", "0123456789ab", "t", 0, config, 9982, List.of(11, 22, 36),
                "1-11-22-36-gap-10", TrialStatus.COMPLETED, 1, 3.25, "s", "f", null, provenance);
    }

    @Test
    void epochsCsv() throws IOException {
        StringWriter out = new StringWriter();
        CSVPrinter printer = new CSVPrinter(out, EpochsCsv.FORMAT);
        EpochsCsv.printHeader(printer);
        EpochsCsv.printRow(printer, new EpochRecord("0123456789", 1, 0.5, 0.8125, 0.4, 0.85, Double.NaN, 0.8799,
                0.001, 3.25, 3.25), trial());
        printer.flush();
        assertEquals(golden("epochs.csv"), out.toString());
    }

    @Test
    void summaryCsv() throws IOException {
        StringWriter out = new StringWriter();
        EpochRecord e1 = new EpochRecord("0123456789", 1, 0.5, 0.8, 0.4, 0.87, 0.4, 0.86, 0.001, 3.0, 3.0);
        EpochRecord e2 = new EpochRecord("0123456789", 2, 0.4, 0.85, 0.35, 0.865, 0.38, 0.881, 0.001, 3.0, 6.5);
        SummaryCsv.write(out, List.of(SummaryRow.of(trial(), List.of(e1, e2))));
        assertEquals(golden("summary.csv"), out.toString());
    }

    private static String golden(String name) throws IOException {
        try (InputStream in = GoldenFormatTest.class.getResourceAsStream("/golden/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
