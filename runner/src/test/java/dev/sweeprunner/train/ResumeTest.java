package dev.sweeprunner.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sweeprunner.TestData;
import dev.sweeprunner.data.FashionMnist;
import dev.sweeprunner.plan.Plan;
import dev.sweeprunner.plan.PlanOverrides;
import dev.sweeprunner.plan.Planner;
import dev.sweeprunner.plan.Trial;
import dev.sweeprunner.records.ConfusionMatrix;
import dev.sweeprunner.records.EpochRecord;
import dev.sweeprunner.records.TrialRecord;
import dev.sweeprunner.records.TrialStatus;
import dev.sweeprunner.records.TrialStore;
import dev.sweeprunner.spec.SpecParser;
import dev.sweeprunner.spec.YamlReader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Epoch-level resume in one JVM: a trial stopped in the middle of an epoch continues from its
 * checkpoint, and its rows, confusion matrices and best weights are bit for bit those of an
 * uninterrupted run (wall-clock columns aside). Each case exercises different saved state. The
 * kill of a real worker process is in WorkerTest.
 */
class ResumeTest {
    private static final FashionMnist DATA = TestData.synthetic(400, 100, 7);

    @TempDir
    Path dir;

    static Stream<Arguments> trials() {
        return Stream.of(
                // Adam's moments and update count, dropout masks (engine generator), BN statistics
                Arguments.of("adam, dropout, batch norm", "{hidden: [32, 16], dropout: 0.3, batch_norm: true}", 4, 2),
                // SGD's momentum buffers; the step schedule's rate
                Arguments.of("sgd momentum, step schedule", "{hidden: [32], optimizer: sgd, momentum: 0.9, lr: 0.05, "
                        + "lr_schedule: step, lr_step: 1, lr_factor: 0.7, dropout: 0}", 4, 1),
                // our RMSprop's square averages and momentum; augmentation draws (engine generator)
                Arguments.of("rmsprop momentum, augmentation", "{hidden: [32], optimizer: rmsprop, momentum: 0.5, "
                        + "lr: 0.001, augment_flip: 0.5, augment_rotate: 10, augment_crop_padding: 2}", 3, 2),
                // plateau counters and early stopping's wait: min_delta 100 stops after epoch 3 of 6
                Arguments.of("adamw, plateau, early stopping", "{hidden: [32], optimizer: adamw, lr_schedule: plateau, "
                        + "lr_patience: 0, early_stopping: 2, early_stopping_min_delta: 100}", 6, 2),
                // a convolution with batch norm and pooling
                Arguments.of("cnn", "{layers: [{conv: 4, kernel: 3, padding: 1, batch_norm: true, pool: 2}, "
                        + "global_avg_pool], dropout: 0.2}", 3, 1));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("trials")
    void aResumedTrialEqualsAnUninterruptedOne(String name, String settings, int epochs, int stopInEpoch)
            throws Exception {
        Plan plan = plan(settings, epochs);
        Trial trial = plan.trials().get(0);
        Path whole = dir.resolve("whole");
        Path split = dir.resolve("split");

        List<EpochRecord> uninterrupted = new ArrayList<>();
        assertEquals(TrialStatus.COMPLETED, run(plan, whole, uninterrupted, 0));
        List<EpochRecord> resumed = new ArrayList<>();
        assertEquals(TrialStatus.INTERRUPTED, run(plan, split, resumed, stopInEpoch + 1));
        TrialStore store = new TrialStore(split);
        assertTrue(Files.isRegularFile(store.trialDir(trial.id()).resolve(TrialStore.CHECKPOINT)),
                "an interrupted trial keeps its checkpoint");
        assertEquals(stopInEpoch, Checkpoint.find(store, trial).checkpoint().orElseThrow().state().epoch());
        String out = runOut(plan, split, resumed);
        assertTrue(out.contains("resumed from its checkpoint after epoch " + stopInEpoch), out);

        assertEquals(withoutClock(uninterrupted), withoutClock(resumed), "rows seen by listeners");
        TrialStore wholeStore = new TrialStore(whole);
        assertEquals(withoutClock(wholeStore.readEpochs(trial.id())), withoutClock(store.readEpochs(trial.id())),
                "epochs.csv");
        assertEquals(Files.readString(wholeStore.trialDir(trial.id()).resolve(TrialStore.CONFUSION_CSV)),
                Files.readString(store.trialDir(trial.id()).resolve(TrialStore.CONFUSION_CSV)), "confusion.csv");
        TrialRecord a = wholeStore.read(trial.id()).orElseThrow();
        TrialRecord b = store.read(trial.id()).orElseThrow();
        assertEquals(TrialStatus.COMPLETED, b.status());
        assertEquals(a.epochsCompleted(), b.epochsCompleted());
        assertEquals(a.bestWeights(), b.bestWeights());
        assertArrayEquals(Files.readAllBytes(wholeStore.trialDir(trial.id()).resolve(TrialStore.BEST_PARAMS)),
                Files.readAllBytes(store.trialDir(trial.id()).resolve(TrialStore.BEST_PARAMS)), "best.params");
        assertFalse(Files.exists(store.trialDir(trial.id()).resolve(TrialStore.CHECKPOINT)),
                "a completed trial's checkpoint is deleted");
    }

    /**
     * The process dies after early stopping ended the trial and its last checkpoint was written,
     * before the trial was recorded as completed: the next run trains nothing more, evaluates the
     * best weights and completes with the same rows.
     */
    @Test
    void aTrialThatDiedAfterEarlyStoppingEndsWithoutAnotherEpoch() throws Exception {
        Plan plan = plan("{hidden: [16], early_stopping: 1, early_stopping_min_delta: 100}", 5);
        Trial trial = plan.trials().get(0);
        List<EpochRecord> uninterrupted = new ArrayList<>();
        run(plan, dir.resolve("whole"), uninterrupted, 0);
        assertEquals(2, uninterrupted.size(), "min_delta 100 with patience 1 stops after epoch 2");
        Path results = dir.resolve("died");
        List<EpochRecord> rows = new ArrayList<>();
        assertEquals(TrialStatus.FAILED, run(plan, results, rows, -1, new PrintStream(new ByteArrayOutputStream(), true,
                StandardCharsets.UTF_8)));
        assertEquals(TrialStatus.COMPLETED, run(plan, results, rows, 0));
        assertEquals(withoutClock(uninterrupted), withoutClock(rows));
        TrialStore store = new TrialStore(results);
        assertEquals(withoutClock(new TrialStore(dir.resolve("whole")).readEpochs(trial.id())),
                withoutClock(store.readEpochs(trial.id())));
        assertTrue(store.read(trial.id()).orElseThrow().bestWeights().stoppedEarly());
    }

    /** A checkpoint made for other settings (another config hash) is not used, and the run says so. */
    @Test
    void aCheckpointOfAnotherConfigurationIsIgnored() throws Exception {
        Plan plan = plan("{hidden: [16]}", 3);
        Trial trial = plan.trials().get(0);
        Path results = dir.resolve("other");
        run(plan, results, new ArrayList<>(), 2);
        TrialStore store = new TrialStore(results);
        Trial other = new Trial(trial.index(), trial.id(), "another-hash", trial.config(), trial.network());
        Checkpoint.Lookup lookup = Checkpoint.find(store, other);
        assertTrue(lookup.checkpoint().isEmpty());
        assertTrue(lookup.problem().orElseThrow().contains("another configuration"), lookup.problem().toString());
    }

    /** A truncated checkpoint is named as damaged; the trial then starts from epoch 1 and completes. */
    @Test
    void aDamagedCheckpointIsNamedAndTheTrialStartsOver() throws Exception {
        Plan plan = plan("{hidden: [16]}", 3);
        Trial trial = plan.trials().get(0);
        Path results = dir.resolve("damaged");
        run(plan, results, new ArrayList<>(), 2);
        Path file = new TrialStore(results).trialDir(trial.id()).resolve(TrialStore.CHECKPOINT);
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        List<EpochRecord> rows = new ArrayList<>();
        String out = runOut(plan, results, rows);
        assertTrue(out.contains("starts from epoch 1: " + file + " is damaged"), out);
        assertEquals(3, rows.size());
        assertEquals(TrialStatus.COMPLETED, new TrialStore(results).read(trial.id()).orElseThrow().status());
    }

    private static Plan plan(String settings, int epochs) {
        String yaml = "name: resume\ndefaults: {epochs: " + epochs + ", batch_size: 50, seed: 3}\ndata: {val_size: 100}\n"
                + "grid:\n  - " + settings + "\n";
        Plan plan = Planner.plan(SpecParser.parse(Path.of("resume.yaml"), YamlReader.parse("resume.yaml", yaml)),
                PlanOverrides.NONE);
        return plan;
    }

    /**
     * Runs the trial in a fresh runner; {@code stopInEpoch} > 0 stops it after that epoch's second
     * batch, -1 fails it after its last epoch (as if the process died before recording the end).
     */
    private static TrialStatus run(Plan plan, Path results, List<EpochRecord> rows, int stopInEpoch) {
        return run(plan, results, rows, stopInEpoch, new PrintStream(new ByteArrayOutputStream(), true,
                StandardCharsets.UTF_8));
    }

    private static String runOut(Plan plan, Path results, List<EpochRecord> rows) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        run(plan, results, rows, 0, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static TrialStatus run(Plan plan, Path results, List<EpochRecord> rows, int stopInEpoch,
            PrintStream out) {
        Trial trial = plan.trials().get(0);
        AtomicReference<InProcessRunner> runner = new AtomicReference<>();
        TrialListener observer = new TrialListener() {
            @Override
            public void onBatchEnd(Trial t, int epoch, int batchesDone, int batches) {
                if (epoch == stopInEpoch && batchesDone == 2) {
                    runner.get().stop();
                }
            }

            @Override
            public void onEpochEnd(Trial t, EpochRecord record, ConfusionMatrix testConfusion) {
                rows.add(record);
            }

            @Override
            public void onBestWeightsEvaluated(Trial t, dev.sweeprunner.records.BestWeights best) {
                if (stopInEpoch == -1) {
                    throw new IllegalStateException("the process dies here");
                }
            }
        };
        runner.set(new InProcessRunner(plan.spec().name(), plan.trials().size(), new TrialStore(results), out,
                DeviceChoice.CPU, () -> DATA, List.of(observer)));
        try {
            return runner.get().run(trial);
        } finally {
            runner.get().close();
        }
    }

    private static List<EpochRecord> withoutClock(List<EpochRecord> rows) {
        return rows.stream().map(r -> new EpochRecord(r.trialId(), r.epoch(), r.trainLoss(), r.trainAcc(), r.valLoss(),
                r.valAcc(), r.testLoss(), r.testAcc(), r.lr(), 0, 0)).toList();
    }
}
