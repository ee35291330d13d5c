package dev.sweeprunner.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sweeprunner.cli.ReportingSweepListener;
import dev.sweeprunner.train.TrialRunner;
import dev.sweeprunner.train.RecordingListener;
import dev.sweeprunner.plan.Plan;
import dev.sweeprunner.plan.Shard;
import dev.sweeprunner.plan.Trial;
import dev.sweeprunner.records.EpochRecord;
import dev.sweeprunner.records.TrialRecord;
import dev.sweeprunner.records.TrialStatus;
import dev.sweeprunner.records.TrialStore;
import dev.sweeprunner.report.Report;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sweep's decisions with scripted runners (no training): which trials run, failure policy,
 * --retry-failed, shards, and parallel slots.
 */
class SweepPolicyTest {
    static final String SIX_TRIALS = """
            name: six
            defaults: {arch: fcn, epochs: 1}
            grid:
              - {budget: [20000, 30000, 40000, 50000, 60000, 70000]}
            """;

    @TempDir
    Path dir;

    final ByteArrayOutputStream log = new ByteArrayOutputStream();
    final List<String> ran = Collections.synchronizedList(new ArrayList<>());

    /** A runner that records each trial with the status the script gives its plan index. */
    class Scripted implements TrialRunner {
        private final TrialStore store;
        private final Function<Integer, TrialStatus> script;

        Scripted(TrialStore store, Function<Integer, TrialStatus> script) {
            this.store = store;
            this.script = script;
        }

        @Override
        public TrialStatus run(Trial trial, int lastEpoch) {
            ran.add(trial.id());
            TrialStatus status = script.apply(trial.index());
            TrialRecord started = RecordingListener.started(trial, "six", null);
            try (TrialStore.EpochWriter rows = store.openEpochs(started)) { // the one epoch it says it ran
                rows.append(new EpochRecord(trial.id(), 1, 0.5, 0.8, 0.5, 0.8, 0.5, 0.8, 0.001, 0.5, 0.5));
            }
            store.write(started.finished(status, 1, 0.5, Instant.now().toString(),
                    status == TrialStatus.COMPLETED ? null : "scripted " + status.csvName()));
            return status;
        }

        @Override
        public void stop() {}

        @Override
        public void close() {}
    }

    Sweep.Outcome sweep(Sweep.Options options, Function<Integer, TrialStatus> script) {
        PrintStream out = new PrintStream(log, true, StandardCharsets.UTF_8);
        return new Sweep(out, (p, store, progress, slots) -> new Scripted(store, script),
                new ReportingSweepListener(out)).run(plan(), options);
    }

    static Plan plan() {
        return SweepTest.plan(SIX_TRIALS);
    }

    Sweep.Builder options() {
        return Sweep.Options.builder(dir.resolve("six"));
    }

    @Test
    void failedTrialsDoNotStopTheSweepAndAreNotRetriedUnlessAsked() {
        Map<Integer, TrialStatus> script = Map.of(1, TrialStatus.FAILED, 3, TrialStatus.DIVERGED,
                4, TrialStatus.INTERRUPTED);
        Sweep.Outcome first = sweep(options().build(), i -> script.getOrDefault(i, TrialStatus.COMPLETED));
        assertEquals(new Sweep.Outcome(3, 1, 1, 1, 0, 0), first);
        ran.clear();

        Sweep.Outcome again = sweep(options().build(), i -> TrialStatus.COMPLETED);
        assertEquals(List.of(plan().trials().get(4).id()), ran, "only the interrupted trial resumes");
        assertEquals(new Sweep.Outcome(1, 0, 0, 0, 5, 0), again);
        assertTrue(log.toString(StandardCharsets.UTF_8).contains("(--retry-failed runs it again)"));
        ran.clear();

        Sweep.Outcome retry = sweep(options().retryFailed(true).build(), i -> TrialStatus.COMPLETED);
        assertEquals(List.of(plan().trials().get(1).id()), ran, "the failed one; diverged is final");
        assertEquals(1, retry.completed());
    }

    @Test
    void runnersEndTheirInputWhenIdleAndAreClosedAfterTheReport() {
        List<String> events = Collections.synchronizedList(new ArrayList<>());
        Path report = dir.resolve("six").resolve(Report.REPORT_MD);
        PrintStream out = new PrintStream(log, true, StandardCharsets.UTF_8);
        new Sweep(out, (p, store, progress, slots) -> new Scripted(store, i -> TrialStatus.COMPLETED) {
            @Override
            public void finishInput() {
                events.add("finishInput");
            }

            @Override
            public void close() {
                events.add("close, report written: " + Files.exists(report));
            }
        }, new ReportingSweepListener(out)).run(plan(), options().workers(2).build());
        assertEquals(List.of("finishInput", "finishInput", "close, report written: true",
                "close, report written: true"), events, "a worker exits while the report is written");
    }

    /** A damaged trial is named, its files move aside (nothing is overwritten), and it runs again. */
    @Test
    void damagedTrialsAreMovedAsideAndRunAgain() throws Exception {
        sweep(options().build(), i -> TrialStatus.COMPLETED);
        ran.clear();
        TrialStore store = new TrialStore(options().build().resultsDir());
        String broken = plan().trials().get(2).id();
        Path json = store.trialDir(broken).resolve(TrialStore.TRIAL_JSON);
        Files.writeString(json, "{\"trial_id\": ");
        String before = log.toString(StandardCharsets.UTF_8);

        Sweep.Outcome again = sweep(options().build(), i -> TrialStatus.COMPLETED);
        assertEquals(List.of(broken), ran, "only the damaged trial runs again");
        assertEquals(new Sweep.Outcome(1, 0, 0, 0, 5, 0), again);
        String said = log.toString(StandardCharsets.UTF_8).substring(before.length());
        assertTrue(said.contains(json + ": not valid JSON"), said);
        assertTrue(said.contains("moved aside: trial.json.damaged-"), said);
        try (var files = Files.list(store.trialDir(broken))) {
            List<String> names = files.map(f -> f.getFileName().toString()).sorted().toList();
            assertTrue(names.stream().anyMatch(n -> n.startsWith("trial.json.damaged-")), names.toString());
            assertTrue(names.stream().anyMatch(n -> n.startsWith("epochs.csv.damaged-")), names.toString());
        }
        assertTrue(store.damage(broken).isEmpty(), "the rerun wrote a sound record");
    }

    @Test
    void maxFailuresStopsStartingTrials() {
        Sweep.Outcome outcome = sweep(options().failurePolicy(2, false).build(), i -> TrialStatus.FAILED);
        assertEquals(2, ran.size());
        assertEquals(2, outcome.failed());
        assertTrue(log.toString(StandardCharsets.UTF_8).contains("--max-failures 2 reached"));
    }

    @Test
    void failFastStopsAtTheFirstFailure() {
        Sweep.Outcome outcome = sweep(options().failurePolicy(Integer.MAX_VALUE, true).build(),
                i -> i == 2 ? TrialStatus.FAILED : TrialStatus.COMPLETED);
        assertEquals(3, ran.size());
        assertEquals(new Sweep.Outcome(2, 0, 1, 0, 0, 0), outcome);
    }

    @Test
    void retryFailedLeavesNeverStartedTrialsAlone() {
        Sweep.Outcome outcome = sweep(options().retryFailed(true).build(), i -> TrialStatus.COMPLETED);
        assertEquals(List.of(), ran);
        assertEquals(0, outcome.completed());
        assertTrue(log.toString(StandardCharsets.UTF_8).contains("6 trial(s) never started"));
    }

    @Test
    void shardsRunDisjointTrialsThatTogetherAreThePlan() {
        List<String> all = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            ran.clear();
            sweep(options().shard(new Shard(i, 3)).build(), t -> TrialStatus.COMPLETED);
            assertEquals(2, ran.size());
            all.addAll(ran);
        }
        assertEquals(plan().trials().stream().map(Trial::id).sorted().toList(), all.stream().sorted().toList());
    }

    @Test
    void severalSlotsRunEveryTrialOnce() {
        Sweep.Outcome outcome = sweep(options().workers(3).build(), i -> TrialStatus.COMPLETED);
        assertEquals(6, outcome.completed());
        assertEquals(6, ran.stream().distinct().count());
        assertEquals(6, ran.size());
    }

    @Test
    void aSlotLeftWithoutWorkWritesTheReportWhileTheLastTrialTrains() {
        Path report = dir.resolve("six").resolve(Report.REPORT_MD);
        AtomicBoolean seenWhileTraining = new AtomicBoolean();
        int largest = plan().trials().size() - 1; // costliest: the first to start, the last to end
        Sweep.Outcome outcome = sweep(options().workers(2).build(), i -> {
            if (i == largest) {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (!Files.exists(report) && System.nanoTime() < deadline) {
                    sleep(10);
                }
                seenWhileTraining.set(Files.exists(report));
            }
            return TrialStatus.COMPLETED;
        });
        assertEquals(6, outcome.completed());
        assertTrue(seenWhileTraining.get(), "report.md written by the idle slot before the last trial ended");
    }

    @Test
    void oneSlotWritesTheReportOnlyAtTheEnd() {
        Path report = dir.resolve("six").resolve(Report.REPORT_MD);
        List<Boolean> seen = Collections.synchronizedList(new ArrayList<>());
        sweep(options().workers(1).build(), i -> {
            seen.add(Files.exists(report));
            return TrialStatus.COMPLETED;
        });
        assertEquals(Collections.nCopies(6, false), seen);
        assertTrue(Files.exists(report));
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
