package dev.sweeprunner.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sweeprunner.plan.CanonicalJson;
import dev.sweeprunner.plan.PlanOverrides;
import dev.sweeprunner.plan.Planner;
import dev.sweeprunner.plan.Trial;
import dev.sweeprunner.records.EpochRecord;
import dev.sweeprunner.records.Provenance;
import dev.sweeprunner.records.TrialRecord;
import dev.sweeprunner.records.TrialStatus;
import dev.sweeprunner.records.TrialStore;
import dev.sweeprunner.spec.ExperimentSpec;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TPE as a sweep's trial source, with "training" that writes records at once: the trials a search
 * runs do not depend on timing, and a search killed half-way and started again runs the same ones.
 */
public class TpeSourceTest {
    private static final String YAML = """
              n_startup: 5
            defaults:
              lr: {loguniform: [1.0e-4, 1.0e-1]}
              dropout: {uniform: [0.0, 0.5]}
              seed: [1, 2]
            grid:
              - arch: fcn
                budget: 20000
            """;
    public static final int CONFIGURATIONS = 16;

    @TempDir
    Path dir;

    public static ExperimentSpec spec() {
        return SearchTest.spec("tpe", CONFIGURATIONS, 9, YAML);
    }

    /**
     * A deterministic stand-in for training: validation accuracy peaks at lr 3e-3, dropout 0.1. Like
     * a real trial it writes its epoch row before the record that says it completed: another slot's
     * search may read the records at any moment, and a completed trial without rows would score as
     * if it had failed.
     */
    public static void train(TrialStore store, Trial trial) {
        double acc = 0.9 - 0.02 * Math.pow(Math.log10(trial.config().lr()) + 2.5, 2)
                - 0.1 * Math.pow(trial.config().dropout() - 0.1, 2) + 0.001 * trial.config().seed();
        TrialRecord record = new TrialRecord(trial.id(), trial.configHash(), "s", trial.index(),
                trial.config().toMap(), trial.params(), List.of(), trial.network().describe(), TrialStatus.COMPLETED, 1,
                0.0, "", "", null, new Provenance("0", "", false, "", "", "PyTorch", "cpu", 1, "", "", "", "", 1), null);
        TrialRecord running = new TrialRecord(record.trialId(), record.configHash(), record.experiment(),
                record.planIndex(), record.config(), record.params(), record.widths(), record.network(),
                TrialStatus.RUNNING, 0, 0.0, "", null, null, record.provenance(), null);
        store.write(running);
        try (TrialStore.EpochWriter epochs = store.openEpochs(running)) {
            epochs.append(new EpochRecord(trial.id(), 1, 0.5, acc, 0.5, acc, 0.5, acc, 1e-3, 1, 1));
        }
        store.write(record);
    }

    /** Runs the search with {@code slots} threads until it ends or {@code limit} trials have started. */
    private static void sweep(Path results, int slots, int limit) throws InterruptedException {
        TrialStore store = new TrialStore(results);
        TpeSource source = new TpeSource(new Search(spec(), PlanOverrides.NONE), store, slots,
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        AtomicInteger started = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < slots; i++) {
            Thread thread = new Thread(() -> {
                try {
                    TrialSource.Assignment next;
                    while (started.get() < limit && (next = source.next()) != null) {
                        Trial trial = next.trial();
                        if (started.incrementAndGet() <= limit) {
                            train(store, trial);
                        } // else: killed before it ran
                        source.ended(trial);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            thread.start();
            threads.add(thread);
        }
        for (Thread t : threads) {
            t.join();
        }
    }

    public static List<String> trialsRun(Path results) {
        return new TrialStore(results).readAll().stream().sorted(Comparator.comparingInt(TrialRecord::planIndex))
                .map(r -> r.planIndex() + " " + r.trialId() + " " + r.config().get("lr") + " " + r.config().get("dropout"))
                .toList();
    }

    @Test
    void oneSlotAndThreeSlotsEachRunTheSameTrialsEveryTime() throws InterruptedException {
        for (int slots : new int[] {1, 3}) {
            sweep(dir.resolve("a" + slots), slots, Integer.MAX_VALUE);
            sweep(dir.resolve("b" + slots), slots, Integer.MAX_VALUE);
            List<String> a = trialsRun(dir.resolve("a" + slots));
            assertEquals(2 * CONFIGURATIONS, a.size(), "every configuration for both seeds");
            assertEquals(a, trialsRun(dir.resolve("b" + slots)), "slots " + slots);
        }
    }

    @Test
    void aSearchKilledHalfWayAndStartedAgainRunsTheSameTrials() throws InterruptedException {
        for (int slots : new int[] {1, 3}) {
            Path whole = dir.resolve("whole" + slots);
            Path resumed = dir.resolve("resumed" + slots);
            sweep(whole, slots, Integer.MAX_VALUE);
            sweep(resumed, slots, 15);
            assertTrue(trialsRun(resumed).size() < 2 * CONFIGURATIONS);
            sweep(resumed, slots, Integer.MAX_VALUE);
            assertEquals(trialsRun(whole), trialsRun(resumed), "slots " + slots);
        }
    }

    @Test
    void aProposedTrialIsRebuiltFromItsCanonicalJsonAsAWorkerRebuildsIt() throws InterruptedException {
        sweep(dir, 1, Integer.MAX_VALUE);
        TrialStore store = new TrialStore(dir);
        List<TrialRecord> records = store.readAll();
        TrialRecord last = records.stream().max(Comparator.comparingInt(TrialRecord::planIndex)).orElseThrow();
        // what the RUN line carries: the plan index and the resolved config's canonical JSON
        Trial rebuilt = Planner.trial(last.planIndex(), CanonicalJson.decode(last.config()));
        assertEquals(last.trialId(), rebuilt.id());
        assertEquals(last.planIndex(), rebuilt.index());
        assertEquals(last.configHash(), rebuilt.configHash());
    }
}
