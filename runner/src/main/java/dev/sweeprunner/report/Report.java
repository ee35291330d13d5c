package dev.sweeprunner.report;

import dev.sweeprunner.records.AtomicFiles;
import dev.sweeprunner.records.EpochsCsv;
import dev.sweeprunner.records.TrialRecord;
import dev.sweeprunner.records.TrialStore;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.csv.CSVRecord;

/**
 * Regenerates the derived files of a results directory from its trial records alone:
 * {@code epochs.csv} (every trial's rows), {@code summary.csv} and {@code comparison.md}.
 */
public final class Report {
    public static final String EPOCHS_CSV = "epochs.csv";
    public static final String SUMMARY_CSV = "summary.csv";
    public static final String COMPARISON_MD = "comparison.md";

    private Report() {}

    public static void write(TrialStore store, String experiment, String description) {
        List<TrialRecord> trials = new ArrayList<>(store.readAll());
        trials.sort(Comparator.comparingInt(TrialRecord::planIndex).thenComparing(TrialRecord::trialId));
        List<ComparisonTable.TrialEpochs> withEpochs = new ArrayList<>();
        List<SummaryRow> summary = new ArrayList<>();
        for (TrialRecord trial : trials) {
            ComparisonTable.TrialEpochs t = new ComparisonTable.TrialEpochs(trial, store.readEpochs(trial.trialId()));
            withEpochs.add(t);
            summary.add(SummaryRow.of(trial, t.epochs()));
        }
        Path dir = store.resultsDir();
        AtomicFiles.write(dir.resolve(EPOCHS_CSV), writer -> concatenateEpochs(store, trials, writer));
        AtomicFiles.write(dir.resolve(SUMMARY_CSV), writer -> SummaryCsv.write(writer, summary));
        AtomicFiles.write(dir.resolve(COMPARISON_MD),
                writer -> ComparisonTable.write(writer, experiment, description, withEpochs));
    }

    /** Copies each trial's rows verbatim under one header: no value is re-formatted. */
    private static void concatenateEpochs(TrialStore store, List<TrialRecord> trials, java.io.Writer writer)
            throws IOException {
        CSVPrinter printer = new CSVPrinter(writer, EpochsCsv.FORMAT);
        printer.printRecord(EpochsCsv.COLUMNS);
        for (TrialRecord trial : trials) {
            Path file = store.trialDir(trial.trialId()).resolve(TrialStore.EPOCHS_CSV);
            if (!Files.isRegularFile(file)) {
                continue;
            }
            try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8);
                    CSVParser parser = EpochsCsv.FORMAT.builder().setHeader().setSkipHeaderRecord(true).build()
                            .parse(reader)) {
                for (CSVRecord record : parser) {
                    printer.printRecord(record.values());
                }
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
        }
        printer.flush();
    }
}
