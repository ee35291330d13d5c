package dev.sweeprunner.records;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.csv.CSVRecord;

/**
 * The per-epoch CSV format: metric columns (the contract), then the trial's settings as context
 * so each row stands alone. Numbers use {@link Locale#ROOT}; accuracies are fractions.
 */
public final class EpochsCsv {
    public static final List<String> METRIC_COLUMNS = List.of("trial_id", "epoch", "train_loss", "train_acc",
            "val_loss", "val_acc", "test_loss", "test_acc", "lr", "epoch_time_s", "elapsed_s", "gpu_memory_mib");
    /** Later-added columns: files written before them lack them, and read as empty. */
    private static final String GPU_MEMORY = "gpu_memory_mib";
    /** What every file has, whichever build wrote it: the metric columns less the later-added ones. */
    private static final List<String> REQUIRED_COLUMNS = METRIC_COLUMNS.stream()
            .filter(column -> !column.equals(GPU_MEMORY)).toList();
    /** Settings written beside every row; "lr" is the metric column (the rate used that epoch). */
    public static final List<String> CONTEXT_COLUMNS = List.of("arch", "budget", "params", "network", "hidden_layers",
            "conv_blocks", "optimizer", "momentum", "weight_decay", "init", "dropout", "batch_norm", "batch_size",
            "epochs", "seed", "device");
    public static final List<String> COLUMNS = concat(METRIC_COLUMNS, CONTEXT_COLUMNS);

    public static final CSVFormat FORMAT = CSVFormat.DEFAULT.builder().setRecordSeparator("\n").build();

    private EpochsCsv() {}

    public static void printHeader(CSVPrinter printer) throws IOException {
        printer.printRecord(COLUMNS);
    }

    public static void printRow(CSVPrinter printer, EpochRecord row, TrialRecord trial) throws IOException {
        List<String> values = new ArrayList<>(COLUMNS.size());
        values.add(row.trialId());
        values.add(Integer.toString(row.epoch()));
        values.add(metric(row.trainLoss()));
        values.add(metric(row.trainAcc()));
        values.add(metric(row.valLoss()));
        values.add(metric(row.valAcc()));
        values.add(metric(row.testLoss()));
        values.add(metric(row.testAcc()));
        values.add(number(row.lr()));
        values.add(seconds(row.epochTimeS()));
        values.add(seconds(row.elapsedS()));
        values.add(Double.isNaN(row.gpuMemoryMib()) ? "" : String.format(Locale.ROOT, "%.0f", row.gpuMemoryMib()));
        for (String column : CONTEXT_COLUMNS) {
            values.add(switch (column) {
                case "params" -> Long.toString(trial.params());
                case "network" -> trial.network();
                // a worker that died before its first word leaves a record without provenance
                case "device" -> trial.provenance() == null ? "" : trial.provenance().device();
                default -> trial.setting(column);
            });
        }
        printer.printRecord(values);
    }

    /**
     * The rows of one trial's file, checked: every row parses, names the trial, and the epochs
     * run 1, 2, 3... (a row appended twice or out of order would make another epoch "the last").
     */
    public static List<EpochRecord> read(Path file) {
        List<EpochRecord> rows = new ArrayList<>();
        try {
            if (Files.size(file) == 0) {
                return rows; // just opened by its writer, the header not yet written: no rows, not damage
            }
        } catch (IOException e) {
            throw new DamagedRecord(file, "cannot be read (" + firstLine(e) + ")");
        }
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8);
                CSVParser parser = FORMAT.builder().setHeader().setSkipHeaderRecord(true).build().parse(reader)) {
            if (!parser.getHeaderNames().containsAll(REQUIRED_COLUMNS)) {
                throw new DamagedRecord(file, "the header lacks metric columns (expected " + REQUIRED_COLUMNS + ")");
            }
            for (CSVRecord r : parser) {
                if (!r.isConsistent()) {
                    throw new DamagedRecord(file, "row " + r.getRecordNumber() + " has " + r.size()
                            + " fields, the header " + parser.getHeaderNames().size());
                }
                EpochRecord row = new EpochRecord(r.get("trial_id"), Integer.parseInt(r.get("epoch")),
                        parse(r, "train_loss"), parse(r, "train_acc"), parse(r, "val_loss"), parse(r, "val_acc"),
                        parse(r, "test_loss"), parse(r, "test_acc"), parse(r, "lr"), parse(r, "epoch_time_s"),
                        parse(r, "elapsed_s"), r.isMapped(GPU_MEMORY) ? parse(r, GPU_MEMORY) : Double.NaN);
                if (row.epoch() != rows.size() + 1) {
                    throw new DamagedRecord(file, "row " + (rows.size() + 1) + " is epoch " + row.epoch()
                            + ", expected " + (rows.size() + 1) + " (a duplicated or out-of-order row)");
                }
                if (!rows.isEmpty() && !row.trialId().equals(rows.get(0).trialId())) {
                    throw new DamagedRecord(file, "row " + (rows.size() + 1) + " is of trial " + row.trialId()
                            + ", the rows before of " + rows.get(0).trialId());
                }
                rows.add(row);
            }
        } catch (IOException | UncheckedIOException | IllegalArgumentException | IllegalStateException e) {
            // Commons CSV reports a bad quote as UncheckedIOException while iterating
            throw new DamagedRecord(file, "not a readable epoch table (" + firstLine(e) + ")");
        }
        return rows;
    }

    static String firstLine(Throwable e) {
        Throwable root = e instanceof UncheckedIOException && e.getCause() != null ? e.getCause() : e;
        String message = String.valueOf(root.getMessage());
        return message.lines().findFirst().orElse(root.getClass().getSimpleName());
    }

    /** Six decimals: accuracies on 10,000 images need four; losses keep two more. */
    public static String metric(double value) {
        return Double.isNaN(value) ? "" : String.format(Locale.ROOT, "%.6f", value);
    }

    public static String seconds(double value) {
        return String.format(Locale.ROOT, "%.3f", value);
    }

    public static String number(double value) {
        return Double.toString(value);
    }

    private static double parse(CSVRecord record, String column) {
        String text = record.get(column);
        return text.isEmpty() ? Double.NaN : Double.parseDouble(text);
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return List.copyOf(all);
    }
}
