package dev.sweeprunner.train;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import dev.sweeprunner.plan.Trial;
import dev.sweeprunner.records.ConfusionMatrix;
import dev.sweeprunner.records.EpochRecord;
import dev.sweeprunner.records.TrialStore;
import dev.sweeprunner.spec.LrSchedule;
import dev.sweeprunner.spec.TrialField;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * What a trial saves at every epoch end to continue from there in another process: the loop's
 * {@link TrainingState} and the schedule's and early stopping's state, for one trial id and
 * config hash. One zip file per trial ({@link TrialStore#CHECKPOINT}, written atomically, never
 * committed): {@code checkpoint.json} (rows, best epoch, rates, counters), the model's and the
 * best epoch's parameters, the optimizer's buffers (DJL's NDList format), and the two random
 * generators' states.
 */
public record Checkpoint(String trialId, String configHash, TrainingState state, LrScheduler.State schedule,
        EarlyStopping.State earlyStopping) {

    /** Bumped whenever the contents change meaning: an older checkpoint is then not used. */
    static final int FORMAT = 1;

    private static final String MANIFEST = "checkpoint.json";
    private static final String PARAMETERS = "parameters.ndlist";
    private static final String BEST_PARAMETERS = "best.params";
    private static final String OPTIMIZER = "optimizer.ndlist";
    private static final String SHUFFLE = "shuffle.ser";
    private static final String ENGINE_RANDOM = "engine-random.bin";

    private static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

    /** The JSON part; doubles are written in full (shortest round-trip form) and NaN as "NaN". */
    record Manifest(int format, String trialId, String configHash, List<EpochRecord> rows, int bestEpoch,
            int classes, long[] bestConfusion, double learningRate, boolean stoppedEarly, double elapsedS,
            int optimizerUpdates, boolean engineRandom, int intraOpThreads, LrScheduler.State schedule,
            EarlyStopping.State earlyStopping) {}

    /**
     * A trial's checkpoint, if usable; {@code problem} says why one that exists is not.
     * {@code obsolete}: it belongs to this trial at another length and must go before training
     * starts again (the record it is checked against is rewritten at the start, so a kill in the
     * first epoch would otherwise make it look usable).
     */
    public record Lookup(Optional<Checkpoint> checkpoint, Optional<String> problem, boolean obsolete) {
        static Lookup none() {
            return new Lookup(Optional.empty(), Optional.empty(), false);
        }

        static Lookup unusable(String problem) {
            return new Lookup(Optional.empty(), Optional.of(problem), false);
        }

        static Lookup obsolete(String problem) {
            return new Lookup(Optional.empty(), Optional.of(problem), true);
        }

        static Lookup found(Checkpoint checkpoint) {
            return new Lookup(Optional.of(checkpoint), Optional.empty(), false);
        }
    }

    public static Checkpoint of(Trial trial, TrainingState state, LrScheduler schedule, EarlyStopping earlyStopping) {
        return new Checkpoint(trial.id(), trial.configHash(), state, schedule.state(), earlyStopping.state());
    }

    /** The trial's checkpoint if it exists and was made for this trial's configuration. */
    public static Lookup find(TrialStore store, Trial trial) {
        Path file = store.trialDir(trial.id()).resolve(TrialStore.CHECKPOINT);
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return Lookup.none();
        } catch (IOException e) {
            return Lookup.unusable(file + " cannot be read (" + e.getMessage() + ")");
        }
        Checkpoint checkpoint;
        try {
            checkpoint = read(bytes);
        } catch (IOException | RuntimeException e) {
            return Lookup.unusable(file + " is damaged (" + e.getMessage() + ")");
        }
        if (!checkpoint.trialId().equals(trial.id()) || !checkpoint.configHash().equals(trial.configHash())) {
            return Lookup.unusable(file + " was made for another configuration");
        }
        if (checkpoint.state().epoch() > trial.config().epochs()) {
            return Lookup.unusable(file + " is after epoch " + checkpoint.state().epoch() + " of "
                    + trial.config().epochs());
        }
        // a scheduled trial keeps its id when max_epochs changes; a cosine schedule's length does not
        Optional<Object> plannedEpochs = store.read(trial.id()).map(r -> r.config().get(TrialField.EPOCHS.key()));
        if (trial.config().lrSchedule() == LrSchedule.COSINE && plannedEpochs.isPresent()
                && ((Number) plannedEpochs.get()).intValue() != trial.config().epochs()) {
            return Lookup.obsolete("its cosine schedule was planned over " + plannedEpochs.get() + " epochs, not "
                    + trial.config().epochs());
        }
        return Lookup.found(checkpoint);
    }

    public byte[] toBytes() {
        TrainingState s = state;
        ConfusionMatrix confusion = s.bestConfusion();
        int classes = confusion.classes();
        long[] cells = new long[classes * classes];
        for (int t = 0; t < classes; t++) {
            for (int p = 0; p < classes; p++) {
                cells[t * classes + p] = confusion.count(t, p);
            }
        }
        Manifest manifest = new Manifest(FORMAT, trialId, configHash, s.rows(), s.bestEpoch(), classes, cells,
                s.learningRate(), s.stoppedEarly(), s.elapsedS(), s.optimizer().updates(), s.engineRandom().isPresent(),
                s.intraOpThreads(), schedule, earlyStopping);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            entry(zip, MANIFEST, JSON.writeValueAsBytes(manifest));
            entry(zip, PARAMETERS, s.parameters());
            entry(zip, BEST_PARAMETERS, s.bestParameters());
            entry(zip, OPTIMIZER, s.optimizer().buffers());
            entry(zip, SHUFFLE, s.shuffle());
            if (s.engineRandom().isPresent()) {
                entry(zip, ENGINE_RANDOM, s.engineRandom().get());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("writing a checkpoint to memory cannot fail", e);
        }
        return bytes.toByteArray();
    }

    /**
     * Stored, not deflated: trained float arrays barely compress, and deflating a 100k-parameter
     * checkpoint (1.5 MB) took ~50 ms per epoch here, a fifth of a small FCN's 3,000-image epoch.
     */
    private static void entry(ZipOutputStream zip, String name, byte[] content) throws IOException {
        ZipEntry entry = new ZipEntry(name);
        entry.setMethod(ZipEntry.STORED);
        entry.setSize(content.length);
        entry.setCompressedSize(content.length);
        CRC32 crc = new CRC32();
        crc.update(content);
        entry.setCrc(crc.getValue());
        zip.putNextEntry(entry);
        zip.write(content);
        zip.closeEntry();
    }

    static Checkpoint read(byte[] bytes) throws IOException {
        Map<String, byte[]> entries = new HashMap<>();
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(bytes))) {
            for (ZipEntry e = zip.getNextEntry(); e != null; e = zip.getNextEntry()) {
                entries.put(e.getName(), zip.readAllBytes());
            }
        }
        Manifest m = JSON.readValue(required(entries, MANIFEST), Manifest.class);
        if (m.format() != FORMAT) {
            throw new IOException("format " + m.format() + ", this runner reads format " + FORMAT);
        }
        if (m.trialId() == null || m.configHash() == null) {
            throw new IOException("trial id or config hash missing");
        }
        if (m.rows() == null || m.rows().isEmpty() || m.bestEpoch() < 1 || m.bestEpoch() > m.rows().size()) {
            throw new IOException("no finished epoch, or a best epoch that is not one of them");
        }
        for (int i = 0; i < m.rows().size(); i++) {
            if (m.rows().get(i).epoch() != i + 1) {
                throw new IOException("row " + (i + 1) + " is epoch " + m.rows().get(i).epoch());
            }
        }
        if (m.schedule() == null || m.earlyStopping() == null || m.bestConfusion() == null) {
            throw new IOException("schedule, early stopping or best confusion matrix missing");
        }
        Optional<byte[]> engineRandom = m.engineRandom() ? Optional.of(required(entries, ENGINE_RANDOM))
                : Optional.empty();
        TrainingState state = new TrainingState(m.rows(), m.bestEpoch(),
                new ConfusionMatrix(m.classes(), m.bestConfusion()), required(entries, BEST_PARAMETERS),
                m.learningRate(), m.stoppedEarly(), m.elapsedS(), required(entries, PARAMETERS),
                new OptimizerState.Saved(m.optimizerUpdates(), required(entries, OPTIMIZER)),
                required(entries, SHUFFLE), engineRandom, m.intraOpThreads());
        return new Checkpoint(m.trialId(), m.configHash(), state, m.schedule(), m.earlyStopping());
    }

    private static byte[] required(Map<String, byte[]> entries, String name) throws IOException {
        byte[] content = entries.get(name);
        if (content == null) {
            throw new IOException(name + " missing");
        }
        return content;
    }
}
