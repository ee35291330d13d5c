package dev.sweeprunner.report;

import dev.sweeprunner.records.AtomicFiles;
import dev.sweeprunner.records.EpochRecord;
import dev.sweeprunner.records.EpochsCsv;
import dev.sweeprunner.records.TrialRecord;
import dev.sweeprunner.records.TrialStore;
import java.io.IOException;
import java.io.Writer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.commons.csv.CSVPrinter;

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
        AtomicFiles.write(dir.resolve(EPOCHS_CSV), writer -> allEpochs(writer, withEpochs));
        AtomicFiles.write(dir.resolve(SUMMARY_CSV), writer -> SummaryCsv.write(writer, summary));
        AtomicFiles.write(dir.resolve(COMPARISON_MD),
                writer -> ComparisonTable.write(writer, experiment, description, withEpochs));
    }

    /** Every trial's rows under one header, printed by the same formatter that wrote them. */
    private static void allEpochs(Writer writer, List<ComparisonTable.TrialEpochs> trials) throws IOException {
        CSVPrinter printer = new CSVPrinter(writer, EpochsCsv.FORMAT);
        EpochsCsv.printHeader(printer);
        for (ComparisonTable.TrialEpochs t : trials) {
            for (EpochRecord row : t.epochs()) {
                EpochsCsv.printRow(printer, row, t.trial());
            }
        }
        printer.flush();
    }
}
