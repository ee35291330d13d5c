package dev.sweeprunner.sweep;

import dev.sweeprunner.spec.DatasetShape;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.jni.JniUtils;
import dev.sweeprunner.cli.ReportingSweepListener;
import dev.sweeprunner.train.TrialListener;
import dev.sweeprunner.train.TrialListeners;
import dev.sweeprunner.train.TrainingLoop;
import dev.sweeprunner.train.TrainingData;
import dev.sweeprunner.train.InProcessRunner;
import dev.sweeprunner.train.DeviceChoice;
import dev.sweeprunner.TestData;
import dev.sweeprunner.data.FashionMnist;
import dev.sweeprunner.plan.Plan;
import dev.sweeprunner.plan.Trial;
import dev.sweeprunner.records.BestWeights;
import dev.sweeprunner.records.ConfusionMatrix;
import dev.sweeprunner.records.EpochRecord;
import dev.sweeprunner.records.TrialRecord;
import dev.sweeprunner.records.TrialStatus;
import dev.sweeprunner.records.TrialStore;
import dev.sweeprunner.report.Report;
import dev.sweeprunner.spec.DataSettings;
import dev.sweeprunner.spec.Normalization;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.FutureTask;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The training toolkit inside real (tiny, synthetic) trials: best weights, early stopping, splits, folds. */
class ToolkitTest {
    private static final FashionMnist DATA = TestData.synthetic(500, 200, 5);

    @TempDir
    Path dir;

    private Sweep.Outcome sweep(String yaml, Path results) {
        PrintStream out = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        Plan plan = SweepTest.plan(yaml);
        return new Sweep(out, (p, store, progress, slots) -> new InProcessRunner(p.spec().name(), p.trials().size(), store, out, DeviceChoice.CPU, () -> DATA,
                List.of()), new ReportingSweepListener(out)).run(plan, Sweep.Options.builder(results).workers(0).build());
    }

    /**
     * min_delta 100 means no epoch ever counts as better: patience 2 stops after epoch 3 of 10.
     * The best epoch's weights are saved, reloaded after training and give the same test numbers
     * that epoch recorded.
     */
    @Test
    void earlyStoppingAndBestWeights() throws Exception {
        Path results = dir.resolve("es");
        Sweep.Outcome outcome = sweep("""
                name: es
                defaults: {epochs: 10, batch_size: 50, seed: 2, early_stopping: 2,
                           early_stopping_min_delta: 100, best_by: val_loss,
                           lr_schedule: plateau, lr_patience: 0, augment_flip: 0.5, augment_rotate: 10,
                           augment_crop_padding: 2}
                grid:
                  - {hidden: [32, 16]}
                """, results);
        assertEquals(1, outcome.completed());
        TrialStore store = new TrialStore(results);
        TrialRecord trial = store.readAll().get(0);
        assertEquals(TrialStatus.COMPLETED, trial.status());
        List<EpochRecord> epochs = store.readEpochs(trial.trialId());
        assertEquals(3, epochs.size(), "stopped after epoch 3 of 10");
        assertEquals(3, trial.epochsCompleted());
        assertTrue(trial.bestWeights().stoppedEarly());

        EpochRecord best = epochs.stream().reduce((a, b) -> b.valLoss() < a.valLoss() ? b : a).orElseThrow();
        assertEquals(best.epoch(), trial.bestWeights().epoch());
        assertEquals("val_loss", trial.bestWeights().bestBy());
        assertEquals(best.testAcc(), trial.bestWeights().testAcc(), 1e-12, "reloaded best weights, same test accuracy");
        assertEquals(best.testLoss(), trial.bestWeights().testLoss(), 1e-5);
        assertTrue(Files.size(store.trialDir(trial.trialId()).resolve(TrialStore.BEST_PARAMS)) > 4 * 784 * 32);
        // plateau with patience 0: a rate is only ever cut, and each epoch row says which it used
        for (int i = 1; i < epochs.size(); i++) {
            assertTrue(epochs.get(i).lr() <= epochs.get(i - 1).lr());
        }
    }

    /** Best epoch = last epoch: the best weights' test numbers are that epoch's, without another pass. */
    @Test
    void bestWeightsOfTheLastEpochAreItsTestNumbers() {
        Path results = dir.resolve("last");
        sweep("""
                name: last
                defaults: {epochs: 1, batch_size: 50, seed: 2}
                grid:
                  - {hidden: [16]}
                """, results);
        TrialStore store = new TrialStore(results);
        TrialRecord trial = store.readAll().get(0);
        EpochRecord only = store.readEpochs(trial.trialId()).get(0);
        assertEquals(1, trial.bestWeights().epoch());
        assertEquals(only.testAcc(), trial.bestWeights().testAcc(), 1e-12);
        assertEquals(only.testLoss(), trial.bestWeights().testLoss(), 1e-6);
    }

    /**
     * PyTorch's grad mode belongs to a thread, and DJL turns it off only on the thread that starts
     * the engine (a worker trains on another one). Outside the gradient collector (the optimizer
     * step, the metric sums, evaluation) nothing may record autograd history, whichever thread trains.
     */
    @Test
    void noAutogradHistoryOutsideTheCollectorOnAnyThread() throws Exception {
        Engine.getInstance(); // started here, on the test's thread
        Plan plan = SweepTest.plan("""
                name: grad
                defaults: {epochs: 2, batch_size: 50, seed: 1}
                grid:
                  - {layers: [{conv: 4, kernel: 3, padding: 1, batch_norm: true, pool: 2}, global_avg_pool]}
                """);
        Trial trial = plan.trials().get(0);
        List<String> gradModeOn = Collections.synchronizedList(new ArrayList<>());
        FutureTask<Void> training = new FutureTask<>(() -> {
            try (TrainingData data = TrainingData.create(DATA, TrainingData.Partition.of(trial.config()), Device.cpu())) {
                new TrainingLoop(Device.cpu(), () -> false).train(trial, data, new TrialListener() {
                    @Override
                    public void onBatchEnd(Trial t, int epoch, int batchesDone, int batches) {
                        noteGradMode("epoch " + epoch + " batch " + batchesDone);
                    }

                    @Override
                    public void onEpochEnd(Trial t, EpochRecord record, ConfusionMatrix testConfusion) {
                        noteGradMode("after evaluating epoch " + record.epoch());
                    }

                    private void noteGradMode(String when) {
                        if (JniUtils.isGradMode()) {
                            gradModeOn.add(when);
                        }
                    }
                });
            }
            return null;
        });
        Thread thread = new Thread(training, "not-the-engine-thread");
        thread.start();
        training.get(); // rethrows what training threw
        assertEquals(List.of(), gradModeOn);
    }

    /**
     * 60 training images with random labels and a wide net: memorising them makes the validation
     * loss rise after the first epochs, so it is lowest well before the last epoch: the reloaded best weights must give that epoch's test
     * numbers, not the last epoch's.
     */
    @Test
    void bestWeightsAreTheBestEpochsNotTheLast() {
        FashionMnist clean = TestData.synthetic(70, 200, 9);
        byte[] noisy = clean.trainLabels().clone(); // random labels: memorising them makes validation worse
        java.util.Random random = new java.util.Random(3);
        for (int i = 0; i < noisy.length; i++) {
            noisy[i] = (byte) random.nextInt(DatasetShape.CLASSES);
        }
        FashionMnist tiny = new FashionMnist(clean.trainImages(), noisy, clean.testImages(), clean.testLabels());
        List<EpochRecord> rows = new ArrayList<>();
        BestWeights[] best = new BestWeights[1];
        Plan plan = SweepTest.plan("""
                name: best
                defaults: {epochs: 12, batch_size: 10, seed: 4, lr: 0.01, best_by: val_loss}
                data: {val_size: 10, split_seed: 1}
                grid:
                  - {hidden: [256], batch_norm: false, dropout: 0}
                """);
        try (TrainingData data = TrainingData.create(tiny, TrainingData.Partition.of(plan.trials().get(0).config()),
                Device.cpu())) {
            new TrainingLoop(Device.cpu(), () -> false).train(plan.trials().get(0), data,
                    TrialListeners.training(plan.trials().get(0).config(), new TrialListener() {
                @Override
                public void onEpochEnd(Trial trial, EpochRecord record, ConfusionMatrix testConfusion) {
                    rows.add(record);
                }

                @Override
                public void onBestWeightsEvaluated(Trial trial, BestWeights weights) {
                    best[0] = weights;
                }
            }));
        }
        EpochRecord lowest = rows.stream().min(java.util.Comparator.comparingDouble(EpochRecord::valLoss)).orElseThrow();
        EpochRecord last = rows.get(rows.size() - 1);
        assertTrue(lowest.epoch() < last.epoch() && lowest.testLoss() != last.testLoss(),
                "the set-up must make the best epoch differ from the last: " + lowest + " vs " + last);
        assertEquals(lowest.epoch(), best[0].epoch());
        assertEquals(lowest.testAcc(), best[0].testAcc(), 1e-12);
        assertEquals(lowest.testLoss(), best[0].testLoss(), 1e-6);
    }

    @Test
    void kFoldRunsOneTrialPerFoldWithDisjointValidation() throws Exception {
        Path results = dir.resolve("cv");
        Sweep.Outcome outcome = sweep("""
                name: cv
                defaults: {epochs: 1, batch_size: 50, folds: 4}
                grid:
                  - {hidden: [16]}
                """, results);
        assertEquals(4, outcome.completed());
        List<TrialRecord> trials = new TrialStore(results).readAll();
        assertEquals(Set.of("1", "2", "3", "4"), new HashSet<>(trials.stream().map(t -> t.setting("fold")).toList()));
        // the fold summary: one configuration, four folds, the best fold named
        List<String> lines = Files.readAllLines(results.resolve(Report.FOLDS_CSV));
        assertEquals(2, lines.size(), String.join("\n", lines));
        Map<String, String> row = new java.util.LinkedHashMap<>();
        String[] header = lines.get(0).split(",");
        String[] cells = lines.get(1).split(",");
        for (int i = 0; i < header.length; i++) {
            row.put(header[i], cells[i]);
        }
        assertEquals("4", row.get("folds"));
        double best = trials.stream().mapToDouble(t -> new TrialStore(results).readEpochs(t.trialId()).get(0).valAcc())
                .max().orElseThrow();
        assertEquals(best, Double.parseDouble(row.get("best_val_acc_best")), 1e-6);
        assertTrue(Set.of("1", "2", "3", "4").contains(row.get("best_fold")));
        assertTrue(Files.readString(results.resolve(Report.REPORT_MD)).contains("## Cross-validation"));
    }

    /** Fold validation sets are disjoint, cover every training image, and never overlap their training set. */
    @Test
    void foldsPartitionTheTrainingImages() {
        Set<Float> seen = new HashSet<>();
        int total = 0;
        for (int fold = 1; fold <= 5; fold++) {
            try (TrainingData data = TrainingData.create(DATA,
                    new TrainingData.Partition(DataSettings.defaults(), null, 5, fold), Device.cpu())) {
                Set<Float> validation = fingerprints(data.validation().images());
                Set<Float> train = fingerprints(data.train().images());
                assertEquals(100, validation.size(), "500 images / 5 folds");
                assertEquals(400, train.size());
                assertFalse(train.stream().anyMatch(validation::contains), "fold " + fold + " validates on training images");
                total += validation.size();
                seen.addAll(validation);
            }
        }
        assertEquals(500, total);
        assertEquals(500, seen.size(), "every image validates exactly once");
    }

    @Test
    void explicitSplitSizesAndDatasetNormalisation() {
        DataSettings settings = new DataSettings(null, 0.1, 42, Normalization.DATASET, 0, 1, 100, 300);
        // the test's 500 images stand for 60,000: sizes shrink in proportion only under a train limit
        try (TrainingData data = TrainingData.create(DATA, new TrainingData.Partition(settings, null, 0, null),
                Device.cpu())) {
            assertEquals(300, data.train().size());
            assertEquals(100, data.validation().size());
            NDArray train = data.train().images();
            assertEquals(0, train.mean().getFloat(), 1e-4, "dataset normalisation centres the training split");
            assertEquals(1, train.sub(train.mean()).square().mean().sqrt().getFloat(), 1e-3, "and scales it to std 1");
        }
    }

    /** A random projection of each image: distinct images give distinct numbers. */
    private static Set<Float> fingerprints(NDArray images) {
        long count = images.getShape().get(0);
        float[] weights = new float[DatasetShape.PIXELS];
        java.util.Random random = new java.util.Random(1);
        for (int i = 0; i < weights.length; i++) {
            weights[i] = random.nextFloat();
        }
        float[] sums = images.reshape(count, DatasetShape.PIXELS)
                .matMul(images.getManager().create(weights).reshape(DatasetShape.PIXELS, 1)).toFloatArray();
        Set<Float> set = new HashSet<>();
        for (float s : sums) {
            set.add(s);
        }
        return set;
    }
}
