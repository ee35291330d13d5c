package dev.sweeprunner.report;

import dev.sweeprunner.records.EpochsCsv;
import java.io.IOException;
import java.io.Writer;
import java.util.List;
import org.apache.commons.csv.CSVPrinter;

/** summary.csv: Table 1's columns first, then what identifies and explains each trial. */
public final class SummaryCsv {
    public static final List<String> COLUMNS = List.of("model", "weights", "lr", "epochs", "dropout", "val_acc",
            "test_acc", "training_time_s", "trial_id", "arch", "budget", "optimizer", "init", "batch_size", "seed",
            "best_epoch", "epochs_to_88", "device", "status");

    private SummaryCsv() {}

    public static void write(Writer writer, List<SummaryRow> rows) throws IOException {
        CSVPrinter printer = new CSVPrinter(writer, EpochsCsv.FORMAT);
        printer.printRecord(COLUMNS);
        for (SummaryRow row : rows) {
            printer.printRecord(row.model(), row.weights(), row.lr(), row.epochs(), row.dropout(),
                    EpochsCsv.metric(row.valAcc()), EpochsCsv.metric(row.testAcc()),
                    EpochsCsv.seconds(row.trainingTimeS()), row.trialId(), row.arch(), row.budget(), row.optimizer(),
                    row.init(), row.batchSize(), row.seed(), orEmpty(row.bestEpoch()), orEmpty(row.epochsTo88()),
                    row.device(), row.status());
        }
        printer.flush();
    }

    private static String orEmpty(Integer value) {
        return value == null ? "" : value.toString();
    }
}
