package dev.sweeprunner.records;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.csv.CSVRecord;

/**
 * confusion.csv: the test-set confusion matrix at the best and at the last epoch. One row per true
 * class, one column per predicted class, named by class; {@code at} and {@code epoch} say which matrix.
 */
public final class ConfusionCsv {
    public static final List<String> KEY_COLUMNS = List.of("at", "epoch", "true_class");

    private ConfusionCsv() {}

    public static List<String> header(List<String> classNames) {
        List<String> header = new ArrayList<>(KEY_COLUMNS);
        header.addAll(classNames);
        return header;
    }

    public static void write(Writer writer, List<String> classNames, List<EpochConfusion> matrices)
            throws IOException {
        CSVPrinter printer = new CSVPrinter(writer, EpochsCsv.FORMAT);
        printer.printRecord(header(classNames));
        for (EpochConfusion m : matrices) {
            for (int t = 0; t < classNames.size(); t++) {
                List<Object> row = new ArrayList<>();
                row.add(m.at().csvName());
                row.add(m.epoch());
                row.add(classNames.get(t));
                for (int p = 0; p < classNames.size(); p++) {
                    row.add(m.matrix().count(t, p));
                }
                printer.printRecord(row);
            }
        }
        printer.flush();
    }

    /** Reads the matrices back; the class names in the header must match {@code classNames}. */
    public static List<EpochConfusion> read(Path file, List<String> classNames) {
        int n = classNames.size();
        List<EpochConfusion> matrices = new ArrayList<>();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8);
                CSVParser parser = EpochsCsv.FORMAT.builder().setHeader().setSkipHeaderRecord(true).build()
                        .parse(reader)) {
            if (!parser.getHeaderNames().equals(header(classNames))) {
                throw new IllegalArgumentException("header " + parser.getHeaderNames() + " is not "
                        + header(classNames));
            }
            List<CSVRecord> rows = parser.getRecords();
            if (rows.size() % n != 0) {
                throw new IllegalArgumentException(rows.size() + " rows is not a whole number of " + n + "-row matrices");
            }
            for (int first = 0; first < rows.size(); first += n) {
                long[] counts = new long[n * n];
                for (int t = 0; t < n; t++) {
                    CSVRecord row = rows.get(first + t);
                    if (!row.get("true_class").equals(classNames.get(t))) {
                        throw new IllegalArgumentException("row " + (first + t + 1) + " is class '"
                                + row.get("true_class") + "', expected '" + classNames.get(t) + "'");
                    }
                    for (int p = 0; p < n; p++) {
                        counts[t * n + p] = Long.parseLong(row.get(KEY_COLUMNS.size() + p));
                    }
                }
                CSVRecord head = rows.get(first);
                matrices.add(new EpochConfusion(EpochConfusion.At.fromCsv(head.get("at")),
                        Integer.parseInt(head.get("epoch")), new ConfusionMatrix(n, counts)));
            }
        } catch (IOException | UncheckedIOException | IllegalArgumentException | IllegalStateException e) {
            throw new DamagedRecord(file, "not a readable confusion matrix (" + EpochsCsv.firstLine(e) + ")");
        }
        return matrices;
    }
}
