package dev.sweeprunner.records;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
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

    private final Path resultsDir;

    public TrialStore(Path resultsDir) {
        this.resultsDir = resultsDir;
    }

    public Path resultsDir() {
        return resultsDir;
    }

    public Path trialDir(String trialId) {
        return resultsDir.resolve(TRIALS_DIR).resolve(trialId);
    }

    public Optional<TrialRecord> read(String trialId) {
        Path file = trialDir(trialId).resolve(TRIAL_JSON);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(JSON.readValue(file.toFile(), TrialRecord.class));
        } catch (IOException e) {
            return Optional.empty(); // unreadable = not completed: the trial runs again
        }
    }

    /** Every trial record under this results directory, readable or not skipped. */
    public List<TrialRecord> readAll() {
        Path trials = resultsDir.resolve(TRIALS_DIR);
        if (!Files.isDirectory(trials)) {
            return List.of();
        }
        List<TrialRecord> records = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(trials)) {
            dirs.filter(Files::isDirectory).sorted()
                    .forEach(dir -> read(dir.getFileName().toString()).ifPresent(records::add));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return records;
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

    /** Writes trial.json atomically: a reader never sees it half-written. */
    public void write(TrialRecord record) {
        AtomicFiles.write(trialDir(record.trialId()).resolve(TRIAL_JSON), writer -> JSON.writeValue(writer, record));
    }

    /** Starts the trial's epochs.csv afresh (a restarted trial rewrites the same rows). */
    public EpochWriter openEpochs(TrialRecord trial) {
        return new EpochWriter(trialDir(trial.trialId()).resolve(EPOCHS_CSV), trial);
    }

    /** Appends epoch rows, each flushed and fsynced before the next epoch starts. */
    public static final class EpochWriter implements AutoCloseable {
        private final FileChannel channel;
        private final CSVPrinter printer;
        private final TrialRecord trial;

        EpochWriter(Path file, TrialRecord trial) {
            this.trial = trial;
            try {
                Files.createDirectories(file.getParent());
                channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                        StandardOpenOption.WRITE);
                Writer writer = Channels.newWriter(channel, StandardCharsets.UTF_8);
                printer = new CSVPrinter(writer, EpochsCsv.FORMAT);
                EpochsCsv.printHeader(printer);
                sync();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + file, e);
            }
        }

        public void append(EpochRecord row) {
            try {
                EpochsCsv.printRow(printer, row, trial);
                sync();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private void sync() throws IOException {
            printer.flush();
            channel.force(false);
        }

        @Override
        public void close() {
            try {
                printer.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
