package dev.sweeprunner.sweep;

import dev.sweeprunner.spec.DatasetShape;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sweeprunner.cli.ReportingSweepListener;
import dev.sweeprunner.train.InProcessRunner;
import dev.sweeprunner.train.DeviceChoice;
import dev.sweeprunner.TestData;
import dev.sweeprunner.data.FashionMnist;
import dev.sweeprunner.plan.Plan;
import dev.sweeprunner.plan.PlanOverrides;
import dev.sweeprunner.plan.Planner;
import dev.sweeprunner.plan.Shard;
import dev.sweeprunner.plan.Trial;
import dev.sweeprunner.records.EpochConfusion;
import dev.sweeprunner.records.EpochRecord;
import dev.sweeprunner.records.EpochsCsv;
import dev.sweeprunner.records.TrialRecord;
import dev.sweeprunner.records.TrialStatus;
import dev.sweeprunner.records.TrialStore;
import dev.sweeprunner.report.Report;
import dev.sweeprunner.report.TrialSummary;
import dev.sweeprunner.spec.SpecParser;
import dev.sweeprunner.spec.YamlReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sweep on tiny synthetic data: records, resume, interrupted trials, determinism. */
class SweepTest {
    static final String EXPERIMENT = """
            name: tiny
            defaults: {epochs: 2, batch_size: 32, seed: 3}
            grid:
              - {arch: fcn, budget: 10000}
              - {arch: cnn, budget: 10000, conv_blocks: 2}
            """;
    static final FashionMnist DATA = TestData.synthetic(400, 100, 7);

    @TempDir
    Path dir;

    private final ByteArrayOutputStream log = new ByteArrayOutputStream();

    static Plan plan(String yaml) {
        return Planner.plan(SpecParser.parse(Path.of("tiny.yaml"), YamlReader.parse("tiny.yaml", yaml)),
                PlanOverrides.NONE);
    }

    private Sweep.Outcome sweep(Path results, boolean fresh) {
        return sweep(plan(EXPERIMENT), Sweep.Options.builder(results).fresh(fresh).workers(0).build());
    }

    /** In this JVM on the synthetic data: no worker JVMs, no data files. */
    Sweep.Outcome sweep(Plan plan, Sweep.Options options) {
        PrintStream out = new PrintStream(log, true, StandardCharsets.UTF_8);
        return new Sweep(out, (p, store, progress, slots) -> new InProcessRunner(p.spec().name(), p.trials().size(), store, out, DeviceChoice.CPU, () -> DATA,
                List.of()), new ReportingSweepListener(out)).run(plan, options);
    }

    /** One slot keeps plan order; several take the costliest trials first (no long trial left for last). */
    @Test
    void severalSlotsStartTheCostliestTrialsFirst() {
        Plan plan = plan("""
                name: order
                grid:
                  - {arch: fcn, budget: 10000, epochs: 20}
                  - {arch: cnn, budget: 10000, conv_blocks: 2, epochs: 1}
                  - {arch: fcn, budget: 20000, epochs: 20}
                  - {arch: cnn, budget: 20000, conv_blocks: 2, epochs: 1}
                  - {arch: cnn, budget: 10000, conv_blocks: 2, epochs: 3}
                """);
        assertEquals(List.of(0, 1, 2, 3, 4), Sweep.startOrder(plan.trials(), 1).stream().map(Trial::index).toList());
        assertEquals(List.of(4, 3, 1, 2, 0), Sweep.startOrder(plan.trials(), 2).stream().map(Trial::index).toList());
    }

    /**
     * An epoch without one whole training batch has a NaN loss: the trial is diverged, never
     * completed. (val_fraction 0.999 leaves 60 of Fashion-MNIST's 60,000 images, enough to plan a
     * batch of 32; of the tiny data set's 400 it leaves none.)
     */
    @Test
    void anEpochThatTrainedOnNothingIsDivergedNotCompleted() {
        Path results = dir.resolve("nothing");
        Plan plan = plan("""
                name: nothing
                data: {val_fraction: 0.999}
                defaults: {epochs: 1, batch_size: 32}
                grid:
                  - {arch: fcn, budget: 10000}
                """);
        Sweep.Outcome outcome = sweep(plan, Sweep.Options.builder(results).workers(0).build());
        assertEquals(new Sweep.Outcome(0, 1, 0, 0, 0, 0), outcome);
        TrialRecord trial = new TrialStore(results).readAll().get(0);
        assertEquals(TrialStatus.DIVERGED, trial.status());
        assertTrue(trial.error().contains("no training batch in epoch 1"), trial.error());
    }

    @Test
    void writesEveryRecordAndResumesWithoutDuplicates() throws IOException {
        Path results = dir.resolve("tiny");
        Sweep.Outcome first = sweep(results, false);
        assertEquals(new Sweep.Outcome(2, 0, 0, 0, 0, 0), first);
        TrialStore store = new TrialStore(results);
        List<TrialRecord> trials = store.readAll();
        assertEquals(2, trials.size());
        for (TrialRecord trial : trials) {
            assertEquals(TrialStatus.COMPLETED, trial.status());
            assertEquals(2, trial.epochsCompleted());
            assertEquals(List.of(1, 2), store.readEpochs(trial.trialId()).stream().map(EpochRecord::epoch).toList());
            assertEquals("cpu", trial.provenance().device());
            assertEquals("0.35.1", trial.provenance().djlVersion());
            List<EpochRecord> epochs = store.readEpochs(trial.trialId());
            List<EpochConfusion> confusions = store.readConfusion(trial.trialId(), DatasetShape.CLASS_NAMES);
            assertEquals(List.of(EpochConfusion.At.BEST, EpochConfusion.At.LAST),
                    confusions.stream().map(EpochConfusion::at).toList());
            EpochConfusion last = confusions.get(1);
            assertEquals(2, last.epoch());
            assertEquals(DATA.testCount(), last.matrix().total(), "every test image counted once");
            assertEquals(epochs.get(1).testAcc(), (double) last.matrix().correct() / last.matrix().total(), 1e-9,
                    "trace / total is the recorded test accuracy");
            int best = epochs.get(1).valAcc() > epochs.get(0).valAcc() ? 2 : 1;
            assertEquals(best, confusions.get(0).epoch(), "best = highest validation accuracy, earlier on a tie");
        }
        assertFalse(Sweep.interactive(), "no console under the test runner: no progress bar, as in CI");
        for (String file : List.of(Report.EPOCHS_CSV, Report.SUMMARY_CSV, Report.TRIALS_CSV, Report.COMPARISON_MD,
                Report.REPORT_MD)) {
            assertTrue(Files.isRegularFile(results.resolve(file)), file);
        }
        assertEquals(1 + 4, Files.readAllLines(results.resolve(Report.EPOCHS_CSV)).size());
        String epochsBefore = Files.readString(results.resolve(Report.EPOCHS_CSV));

        Sweep.Outcome again = sweep(results, false);
        assertEquals(new Sweep.Outcome(0, 0, 0, 0, 2, 0), again);
        assertTrue(log.toString(StandardCharsets.UTF_8).contains("already completed"));
        assertEquals(epochsBefore, Files.readString(results.resolve(Report.EPOCHS_CSV)), "no duplicated rows");
    }

    @Test
    void aTrialKilledMidEpochRunsAgainWithTheSameRows() throws IOException {
        Path results = dir.resolve("tiny");
        sweep(results, false);
        TrialStore store = new TrialStore(results);
        TrialRecord victim = store.readAll().get(0);
        List<String> rowsBefore = Files.readAllLines(store.trialDir(victim.trialId()).resolve(TrialStore.EPOCHS_CSV));
        // what a kill during epoch 2 leaves: status running, one epoch row on disk
        store.write(new TrialRecord(victim.trialId(), victim.configHash(), victim.experiment(), victim.planIndex(),
                victim.config(), victim.params(), victim.widths(), victim.network(), TrialStatus.RUNNING, 0, 0,
                victim.startedAt(), null, null, victim.provenance(), null));
        Path epochs = store.trialDir(victim.trialId()).resolve(TrialStore.EPOCHS_CSV);
        Files.write(epochs, rowsBefore.subList(0, 2));

        assertEquals(new Sweep.Outcome(1, 0, 0, 0, 1, 0), sweep(results, false));
        assertTrue(log.toString(StandardCharsets.UTF_8).contains(
                "trial " + victim.trialId() + " was stopped after 1 epoch(s); it runs again from epoch 1"));
        List<String> rowsAfter = Files.readAllLines(epochs);
        assertEquals(3, rowsAfter.size(), "header and two epochs, none duplicated");
        assertEquals(metricsOnly(rowsBefore), metricsOnly(rowsAfter), "same seed, same numbers");
        assertEquals(1 + 4, Files.readAllLines(results.resolve(Report.EPOCHS_CSV)).size());
    }

    @Test
    void sameSeedSameResultsOtherSeedOtherResults() throws IOException {
        sweep(dir.resolve("a"), false);
        sweep(dir.resolve("b"), false);
        List<String> a = metricsOnly(Files.readAllLines(dir.resolve("a").resolve(Report.EPOCHS_CSV)));
        List<String> b = metricsOnly(Files.readAllLines(dir.resolve("b").resolve(Report.EPOCHS_CSV)));
        assertEquals(a, b);

        Plan otherSeed = plan(EXPERIMENT.replace("seed: 3", "seed: 4"));
        sweep(otherSeed, Sweep.Options.builder(dir.resolve("c")).workers(0).build());
        List<String> c = metricsOnly(Files.readAllLines(dir.resolve("c").resolve(Report.EPOCHS_CSV)));
        assertNotEquals(a.subList(1, a.size()), c.subList(1, c.size()));
    }

    @Test
    void twoShardsMergedByReportEqualAOneShotSweep() throws IOException {
        Path sharded = dir.resolve("sharded");
        Path whole = dir.resolve("whole");
        for (int i = 1; i <= 2; i++) {
            Sweep.Outcome part = sweep(plan(EXPERIMENT),
                    Sweep.Options.builder(sharded).workers(0).shard(new Shard(i, 2)).build());
            assertEquals(1, part.completed(), "one of the two trials per shard");
        }
        sweep(plan(EXPERIMENT), Sweep.Options.builder(whole).workers(0).build());
        Report.write(new TrialStore(sharded), "tiny", "", new PrintStream(log, true, StandardCharsets.UTF_8));
        assertEquals(withoutTimes(whole.resolve(Report.SUMMARY_CSV)), withoutTimes(sharded.resolve(Report.SUMMARY_CSV)));
        assertEquals(withoutTimes(whole.resolve(Report.TRIALS_CSV)), withoutTimes(sharded.resolve(Report.TRIALS_CSV)));
    }

    /** A CSV's rows without its time columns (wall time differs from run to run). */
    private static List<List<String>> withoutTimes(Path csv) throws IOException {
        List<List<String>> rows = new java.util.ArrayList<>();
        try (var parser = EpochsCsv.FORMAT.builder().setHeader().setSkipHeaderRecord(false).build()
                .parse(Files.newBufferedReader(csv))) {
            List<String> header = parser.getHeaderNames();
            rows.add(header.stream().filter(h -> !h.contains("time")).toList());
            for (var record : parser) {
                List<String> row = new java.util.ArrayList<>();
                for (String column : header) {
                    if (!column.contains("time")) {
                        row.add(record.get(column));
                    }
                }
                rows.add(row);
            }
        }
        return rows;
    }

    @Test
    void freshMovesEarlierResultsAsideWithoutDeletingThem() throws IOException {
        Path results = dir.resolve("tiny");
        sweep(results, false);
        assertEquals(new Sweep.Outcome(2, 0, 0, 0, 0, 0), sweep(results, true));
        try (Stream<Path> siblings = Files.list(dir)) {
            Path aside = siblings.filter(p -> p.getFileName().toString().startsWith("tiny.before-")).findFirst()
                    .orElseThrow();
            assertTrue(Files.isRegularFile(aside.resolve(Report.SUMMARY_CSV)));
        }
    }

    @Test
    void learnsTheSyntheticPattern() {
        sweep(dir.resolve("tiny"), false);
        TrialStore store = new TrialStore(dir.resolve("tiny"));
        for (TrialRecord trial : store.readAll()) {
            List<EpochRecord> epochs = store.readEpochs(trial.trialId());
            // the pattern is a block's position, which a global-average-pooled CNN sees poorly: the
            // FCN must learn it; the CNN must at least improve (real-data accuracy: EndToEndTest)
            if (trial.setting("arch").equals("fcn")) {
                assertTrue(epochs.get(1).testAcc() > 0.5, trial.network() + " test acc " + epochs.get(1).testAcc());
            }
            assertTrue(epochs.get(1).trainLoss() < epochs.get(0).trainLoss(), trial.network() + " loss falls");
        }
    }

    /** Rows without the timing columns, which legitimately differ between runs. */
    static List<String> metricsOnly(List<String> csvLines) {
        int epochTime = EpochsCsv.COLUMNS.indexOf("epoch_time_s");
        return csvLines.stream().map(line -> {
            String[] cells = line.split(",", -1);
            cells[epochTime] = "";
            cells[epochTime + 1] = "";
            return String.join(",", cells);
        }).toList();
    }
}
