package dev.sweeprunner.records;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import dev.sweeprunner.UserError;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.commons.csv.CSVPrinter;

/**
 * The on-disk layout of one experiment's results: {@code trials/<id>/trial.json} (written
 * atomically) and {@code trials/<id>/epochs.csv} (one row per epoch, fsynced as it is written).
 */
public final class TrialStore {
    public static final String TRIALS_DIR = "trials";
    public static final String TRIAL_JSON = "trial.json";
    public static final String EPOCHS_CSV = "epochs.csv";
    public static final String CONFUSION_CSV = "confusion.csv";
    /** The best epoch's parameters (DJL's format: Block.loadParameters reads them). */
    public static final String BEST_PARAMS = "best.params";
    /**
     * What an unfinished trial needs to continue after its last finished epoch (see
     * train/Checkpoint); deleted when the trial completes or diverges. Never committed.
     */
    public static final String CHECKPOINT = "checkpoint.zip";
    /** The sweep's copy of its experiment file: what was asked for stays with what was measured. */
    public static final String EXPERIMENT_YAML = "experiment.yaml";

    private static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .configure(JsonGenerator.Feature.AUTO_CLOSE_TARGET, false); // AtomicFiles syncs, then closes

    /** A damaged file moved aside keeps its name with this and the time appended. */
    public static final String DAMAGED_SUFFIX = ".damaged-";
    private static final DateTimeFormatter DAMAGED_STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");
    /** The files a trial's run writes: a rerun overwrites them all, so a damaged trial moves them all aside. */
    private static final List<String> RECORD_FILES = List.of(TRIAL_JSON, EPOCHS_CSV, CONFUSION_CSV, BEST_PARAMS);
    /** What a trial.json must hold for the report and the sweep to use it. */
    private static final List<String> REQUIRED_FIELDS = List.of("trial_id", "config_hash", "experiment", "config",
            "widths", "network", "status");

    private final Path resultsDir;

    public TrialStore(Path resultsDir) {
        this.resultsDir = resultsDir;
    }

    /**
     * Makes sure the results directory can hold results before anything runs: a file, a missing
     * parent, /proc or a read-only or immutable directory is a user error naming the path and the
     * OS's reason, not a failure halfway through a sweep.
     */
    public void requireWritable() {
        if (Files.exists(resultsDir) && !Files.isDirectory(resultsDir)) {
            throw new UserError(resultsDir + ": not a directory (results go in a directory)");
        }
        try {
            Files.createDirectories(resultsDir);
        } catch (IOException e) {
            throw new UserError(resultsDir + ": cannot create the results directory (" + AtomicFiles.reason(e) + ")");
        }
        try {
            Files.delete(Files.createTempFile(resultsDir, ".writable-", ".tmp"));
        } catch (IOException e) {
            throw new UserError(resultsDir + ": cannot write in the results directory (" + AtomicFiles.reason(e) + ")");
        }
    }

    public Path resultsDir() {
        return resultsDir;
    }

    public Path trialDir(String trialId) {
        return resultsDir.resolve(TRIALS_DIR).resolve(trialId);
    }

    /** The trial's record; empty when there is none or it is damaged ({@link #damage} tells which). */
    public Optional<TrialRecord> read(String trialId) {
        try {
            return parse(trialId);
        } catch (DamagedRecord e) {
            return Optional.empty();
        }
    }

    /** One damaged record file of a trial, and what is wrong with it. */
    public record Damage(String trialId, Path file, String problem) {
        @Override
        public String toString() {
            return file + ": " + problem;
        }
    }

    /** What a results directory holds: the usable trial records, and every damaged file named. */
    public record Scan(List<TrialRecord> records, List<Damage> damaged) {}

    /** Every trial record under this results directory, in directory order; damaged ones named, not dropped. */
    public Scan scan() {
        List<TrialRecord> records = new ArrayList<>();
        List<Damage> damaged = new ArrayList<>();
        for (String id : trialIds()) {
            try {
                parse(id).ifPresent(records::add);
            } catch (DamagedRecord e) {
                damaged.add(new Damage(id, e.file(), e.problem()));
            }
        }
        return new Scan(records, damaged);
    }

    /** Every readable trial record under this results directory (damaged ones: see {@link #scan}). */
    public List<TrialRecord> readAll() {
        return scan().records();
    }

    private List<String> trialIds() {
        Path trials = resultsDir.resolve(TRIALS_DIR);
        if (!Files.isDirectory(trials)) {
            return List.of();
        }
        try (Stream<Path> dirs = Files.list(trials)) {
            return dirs.filter(Files::isDirectory).map(dir -> dir.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new UserError(trials + ": cannot list trial directories (" + AtomicFiles.reason(e) + ")");
        }
    }

    /**
     * trial.json, checked: empty when the trial has none (never started, or only claimed);
     * {@link DamagedRecord} when it is there but is not a whole, well-typed record of this trial.
     */
    private Optional<TrialRecord> parse(String trialId) {
        Path dir = trialDir(trialId);
        Path file = dir.resolve(TRIAL_JSON);
        if (!Files.isRegularFile(file)) {
            if (Files.isRegularFile(dir.resolve(EPOCHS_CSV))) {
                throw new DamagedRecord(file, "missing, but " + EPOCHS_CSV + " is there");
            }
            return Optional.empty();
        }
        JsonNode tree;
        try {
            tree = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new DamagedRecord(file, "not valid JSON (" + EpochsCsv.firstLine(e) + ")");
        }
        if (tree == null || tree.isMissingNode()) {
            throw new DamagedRecord(file, "empty");
        }
        if (!tree.isObject()) {
            throw new DamagedRecord(file, "a JSON " + tree.getNodeType().name().toLowerCase(Locale.ROOT)
                    + ", not a trial record (an object)");
        }
        for (String field : REQUIRED_FIELDS) {
            if (!tree.hasNonNull(field)) {
                throw new DamagedRecord(file, "no " + field);
            }
        }
        TrialRecord record;
        try {
            record = JSON.treeToValue(tree, TrialRecord.class);
        } catch (IOException | IllegalArgumentException e) {
            throw new DamagedRecord(file, "not a trial record (" + EpochsCsv.firstLine(e) + ")");
        }
        if (!record.trialId().equals(trialId)) {
            throw new DamagedRecord(file, "belongs to another trial (trial_id " + record.trialId() + ")");
        }
        return Optional.of(record);
    }

    /**
     * Why the trial's records cannot be used as they are, if they cannot: trial.json damaged, or
     * epochs.csv damaged, or missing or short while trial.json says the trial finished its epochs.
     */
    public Optional<Damage> damage(String trialId) {
        Optional<TrialRecord> record;
        try {
            record = parse(trialId);
        } catch (DamagedRecord e) {
            return Optional.of(new Damage(trialId, e.file(), e.problem()));
        }
        return record.flatMap(r -> checkedEpochs(r).damage());
    }

    /** A trial's epoch rows, or what is wrong with its epochs.csv (then no rows): the file is read once. */
    public record CheckedEpochs(List<EpochRecord> rows, Optional<Damage> damage) {
        static CheckedEpochs damaged(Damage damage) {
            return new CheckedEpochs(List.of(), Optional.of(damage));
        }
    }

    /** epochs.csv read and checked against its trial.json. */
    public CheckedEpochs checkedEpochs(TrialRecord trial) {
        Path file = trialDir(trial.trialId()).resolve(EPOCHS_CSV);
        boolean finished = trial.status() == TrialStatus.COMPLETED || trial.status() == TrialStatus.DIVERGED;
        if (!Files.isRegularFile(file)) {
            return finished && trial.epochsCompleted() > 0 ? CheckedEpochs.damaged(new Damage(trial.trialId(), file,
                    "missing; trial.json says " + trial.status().csvName() + " after " + trial.epochsCompleted()
                    + " epoch(s)")) : new CheckedEpochs(List.of(), Optional.empty());
        }
        try {
            List<EpochRecord> rows = EpochsCsv.read(file);
            if (trial.status() == TrialStatus.COMPLETED && rows.size() < trial.epochsCompleted()) {
                return CheckedEpochs.damaged(new Damage(trial.trialId(), file, rows.size()
                        + " row(s); trial.json says completed after " + trial.epochsCompleted() + " epochs"));
            }
            return new CheckedEpochs(rows, Optional.empty());
        } catch (DamagedRecord e) {
            return CheckedEpochs.damaged(new Damage(trial.trialId(), e.file(), e.problem()));
        }
    }

    /**
     * Moves every record file of a damaged trial aside ({@code <name>.damaged-<time>}), so that
     * running it again overwrites nothing; the claim stays. Returns the new names.
     */
    public List<Path> moveAside(String trialId) {
        String stamp = DAMAGED_STAMP.format(LocalDateTime.now());
        List<Path> moved = new ArrayList<>();
        for (String name : RECORD_FILES) {
            Path file = trialDir(trialId).resolve(name);
            if (!Files.exists(file)) {
                continue;
            }
            Path target = file.resolveSibling(name + DAMAGED_SUFFIX + stamp);
            try {
                Files.move(file, target);
            } catch (IOException e) {
                throw new UserError(file + ": damaged, and cannot be moved aside to " + target.getFileName() + " ("
                        + AtomicFiles.reason(e) + ")");
            }
            moved.add(target);
        }
        return moved;
    }

    /**
     * What a sweep does with a damaged trial before running it again: its files move aside, and
     * the returned line says which and why (empty when the trial's records are sound).
     */
    public Optional<String> moveAsideIfDamaged(String trialId) {
        return damage(trialId).map(d -> "damaged record " + d + "; moved aside: " + moveAside(trialId).stream()
                .map(p -> p.getFileName().toString()).collect(Collectors.joining(", ")) + "; it runs again");
    }

    public List<EpochRecord> readEpochs(String trialId) {
        Path file = trialDir(trialId).resolve(EPOCHS_CSV);
        return Files.isRegularFile(file) ? EpochsCsv.read(file) : List.of();
    }

    /** The trial's best and last test confusion matrices; empty when the trial recorded none. */
    public List<EpochConfusion> readConfusion(String trialId, List<String> classNames) {
        Path file = trialDir(trialId).resolve(CONFUSION_CSV);
        return Files.isRegularFile(file) ? ConfusionCsv.read(file, classNames) : List.of();
    }

    /** Replaces confusion.csv atomically (rewritten each epoch, so an interrupted trial keeps its last). */
    public void writeConfusion(String trialId, List<String> classNames, List<EpochConfusion> matrices) {
        AtomicFiles.write(trialDir(trialId).resolve(CONFUSION_CSV),
                writer -> ConfusionCsv.write(writer, classNames, matrices));
    }

    /** Replaces best.params atomically. */
    public void writeBestParameters(String trialId, byte[] parameters) {
        AtomicFiles.writeBytes(trialDir(trialId).resolve(BEST_PARAMS), parameters);
    }

    /** Replaces the trial's checkpoint atomically: a reader finds the previous epoch's or this one's. */
    public void writeCheckpoint(String trialId, byte[] checkpoint) {
        AtomicFiles.writeBytes(trialDir(trialId).resolve(CHECKPOINT), checkpoint);
    }

    public void deleteCheckpoint(String trialId) {
        Path file = trialDir(trialId).resolve(CHECKPOINT);
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + file, e);
        }
    }

    /** Atomically; on a full disk in place (see {@link AtomicFiles#writeEvenIfFull}), so a failure is recorded. */
    public void write(TrialRecord record) {
        AtomicFiles.writeEvenIfFull(trialDir(record.trialId()).resolve(TRIAL_JSON),
                writer -> JSON.writeValue(writer, record));
    }

    /** Starts the trial's epochs.csv afresh (a restarted trial rewrites the same rows). */
    public EpochWriter openEpochs(TrialRecord trial) {
        return new EpochWriter(trialDir(trial.trialId()).resolve(EPOCHS_CSV), trial);
    }

    /** Appends epoch rows, each flushed and fsynced before the next epoch starts. */
    public static final class EpochWriter implements AutoCloseable {
        private final Path file;
        private final FileChannel channel;
        private final CSVPrinter printer;
        private final TrialRecord trial;
        /** Rows written and synced, and the file's size after the last of them. */
        private int rows;
        private long synced;
        private boolean broken;

        EpochWriter(Path file, TrialRecord trial) {
            this.file = file;
            this.trial = trial;
            try {
                Files.createDirectories(file.getParent());
                channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                        StandardOpenOption.WRITE);
                printer = new CSVPrinter(AtomicFiles.writer(channel), EpochsCsv.FORMAT);
                EpochsCsv.printHeader(printer);
                sync();
                synced = channel.size();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + file + " (" + AtomicFiles.reason(e) + ")", e);
            }
        }

        /**
         * Appends one row and syncs it. If that fails (a full disk), the file is cut back to the
         * rows before, so it always ends on a whole row, and the trial fails saying why.
         */
        public void append(EpochRecord row) {
            try {
                EpochsCsv.printRow(printer, row, trial);
                sync();
                rows++;
                synced = channel.size();
            } catch (IOException | UncheckedIOException e) {
                IOException cause = e instanceof UncheckedIOException u ? u.getCause() : (IOException) e;
                broken = true; // the printer may still hold the failed row: it is never flushed again
                try {
                    channel.truncate(synced);
                    channel.force(false);
                } catch (IOException ignored) {
                    // the reader names a partial last row as damage; the first error is the one to report
                }

                throw new UncheckedIOException("cannot write " + file + " (" + AtomicFiles.reason(cause) + "); its "
                        + rows + " earlier row(s) are kept", cause);
            }
        }

        private void sync() throws IOException {
            printer.flush();
            channel.force(false);
        }

        @Override
        public void close() {
            try {
                if (broken) {
                    channel.close();
                } else {
                    printer.close();
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot close " + file + " (" + AtomicFiles.reason(e) + ")", e);
            }
        }
    }
}
