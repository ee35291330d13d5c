package dev.sweeprunner.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sweeprunner.TestData;
import dev.sweeprunner.data.FashionMnist;
import dev.sweeprunner.plan.Plan;
import dev.sweeprunner.plan.Trial;
import dev.sweeprunner.records.EpochRecord;
import dev.sweeprunner.records.TrialRecord;
import dev.sweeprunner.records.TrialStatus;
import dev.sweeprunner.records.TrialStore;
import dev.sweeprunner.search.AshaSource;
import dev.sweeprunner.train.DeviceChoice;
import dev.sweeprunner.train.InProcessRunner;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ASHA with real training (in this JVM, tiny synthetic data): a promoted trial continues from its
 * checkpoint and ends with exactly the rows of a trial trained to the end in one go.
 */
class AshaSweepTest {
    private static final String SETTINGS = """
            defaults: {batch_size: 32, seed: 3, lr_schedule: cosine}
            grid:
              - {arch: fcn, budget: 10000, lr: [0.0003, 0.003, 0.03]}
            """;
    private static final FashionMnist DATA = TestData.synthetic(400, 100, 7);

    @TempDir
    Path dir;

    private final ByteArrayOutputStream log = new ByteArrayOutputStream();

    private Sweep.Outcome sweep(Plan plan, Path results, boolean asha) {
        PrintStream out = new PrintStream(log, true, StandardCharsets.UTF_8);
        Sweep sweep = new Sweep(out, (p, store, progress, slots) -> new InProcessRunner(p.spec().name(),
                p.trials().size(), store, out, DeviceChoice.CPU, () -> DATA, List.of()));
        Sweep.Options options = Sweep.Options.builder(results).workers(0).build();
        return sweep.run(plan, options, asha ? AshaSource.grid(plan, plan.spec().search(), new TrialStore(results), out)
                : null);
    }

    @Test
    void aPromotedTrialEndsWithTheRowsOfOneTrainedToTheEndInOneGo() throws Exception {
        Path scheduled = dir.resolve("asha");
        Plan plan = SweepTest.plan("name: asha\nsearch:\n  scheduler: {asha: {min_epochs: 1, reduction: 3, "
                + "max_epochs: 3}}\n" + SETTINGS);
        Sweep.Outcome outcome = sweep(plan, scheduled, true);
        String output = log.toString(StandardCharsets.UTF_8);
        assertEquals(1, outcome.completed(), output);
        assertEquals(3, outcome.pruned(), output); // three stints to epoch 1; the promoted one then completes
        TrialStore store = new TrialStore(scheduled);
        List<TrialRecord> records = store.readAll();
        TrialRecord promoted = records.stream().filter(r -> r.status() == TrialStatus.COMPLETED).findFirst()
                .orElseThrow();
        assertEquals(2, records.stream().filter(r -> r.status() == TrialStatus.PRUNED && r.epochsCompleted() == 1)
                .count(), output);
        for (TrialRecord r : records) {
            assertTrue(Files.exists(store.trialDir(r.trialId()).resolve(TrialStore.CHECKPOINT)),
                    "a scheduled trial keeps its checkpoint, pruned or completed: " + r.trialId());
        }

        Path plain = dir.resolve("plain");
        Plan whole = SweepTest.plan("name: plain\n" + SETTINGS.replace("seed: 3", "seed: 3, epochs: 3"));
        Trial same = whole.trials().stream().filter(t -> Double.valueOf(t.config().lr()).equals(promoted.config().get("lr")))
                .findFirst().orElseThrow();
        sweep(new Plan(whole.spec(), List.of(same), 0), plain, false);
        assertEquals(withoutClock(new TrialStore(plain).readEpochs(same.id())), withoutClock(store.readEpochs(
                promoted.trialId())), output);
    }

    /** The rows' numbers less the trial id and the wall-clock columns. */
    private static List<EpochRecord> withoutClock(List<EpochRecord> rows) {
        return rows.stream().map(r -> new EpochRecord("", r.epoch(), r.trainLoss(), r.trainAcc(), r.valLoss(), r.valAcc(),
                r.testLoss(), r.testAcc(), r.lr(), 0, 0)).toList();
    }
}
