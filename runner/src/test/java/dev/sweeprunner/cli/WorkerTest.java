package dev.sweeprunner.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sweeprunner.TestData;
import dev.sweeprunner.records.EpochsCsv;
import dev.sweeprunner.records.EpochRecord;
import dev.sweeprunner.records.TrialRecord;
import dev.sweeprunner.records.TrialStatus;
import dev.sweeprunner.records.TrialStore;
import dev.sweeprunner.sweep.WorkerRunner;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Trials in worker JVMs on the real data (small: 2,000 training images): a killed worker fails
 * one trial only, a diverging trial is stopped, two sweeps share a directory without running a
 * trial twice, and Ctrl-C leaves interrupted trials that the next sweep resumes.
 */
class WorkerTest {
    private static final long TIMEOUT_MILLIS = 120_000;

    @TempDir
    Path dir;

    @BeforeAll
    static void realData() {
        TestData.requireRealData();
    }

    private Path experiment(String yaml) throws IOException {
        Path file = dir.resolve("exp.yaml");
        Files.writeString(file, yaml);
        return file;
    }

    private String[] sweepArgs(Path file, Path results, String... more) {
        List<String> args = new ArrayList<>(List.of("sweep", file.toString(), "--results", results.toString(),
                "--train-limit", "2000", "--data-dir", TestData.REAL_DATA.toString()));
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }

    private static Map<String, TrialRecord> byNetworkSeed(TrialStore store) {
        return store.readAll().stream().collect(Collectors.toMap(r -> r.setting("seed"), Function.identity()));
    }

    /** Waits until the trial with this seed has written at least {@code rows} epoch rows. */
    private static TrialRecord awaitRows(TrialStore store, String seed, int rows) throws InterruptedException {
        long deadline = System.currentTimeMillis() + TIMEOUT_MILLIS;
        while (System.currentTimeMillis() < deadline) {
            for (TrialRecord r : store.readAll()) {
                if (r.setting("seed").equals(seed) && store.readEpochs(r.trialId()).size() >= rows) {
                    return r;
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("trial with seed " + seed + " never reached " + rows + " epochs");
    }

    @Test
    void aKilledWorkerFailsItsTrialOnlyAndKeepsItsRows() throws Exception {
        Path file = experiment("""
                name: kill
                defaults: {arch: fcn, budget: 20000}
                grid:
                  - {epochs: 200, seed: 1}
                  - {epochs: 2, seed: [2, 3]}
                """);
        Path results = dir.resolve("kill");
        // one worker: with two, the first worker process found below may be the other trial's
        CompletableFuture<CliTest.Result> sweep = CompletableFuture.supplyAsync(
                () -> CliTest.run(sweepArgs(file, results, "--workers", "1")));
        TrialStore store = new TrialStore(results);
        TrialRecord victim = awaitRows(store, "1", 2);
        ProcessHandle worker = ProcessHandle.current().descendants()
                .filter(WorkerTest::isWorker).findFirst().orElseThrow();
        worker.destroyForcibly(); // SIGKILL: what the kernel's OOM killer does

        CliTest.Result r = sweep.get();
        assertEquals(1, r.code(), "a failed trial makes the exit code 1: " + r.out() + r.err());
        Map<String, TrialRecord> trials = byNetworkSeed(store);
        TrialRecord killed = trials.get("1");
        assertEquals(TrialStatus.FAILED, killed.status());
        assertTrue(killed.error().contains("worker JVM died") && killed.error().contains("137"), killed.error());
        assertTrue(store.readEpochs(victim.trialId()).size() >= 2, "finished epoch rows are kept");
        assertTrue(Files.isRegularFile(store.trialDir(victim.trialId()).resolve(WorkerRunner.WORKER_LOG)));
        for (String seed : List.of("2", "3")) {
            assertEquals(TrialStatus.COMPLETED, trials.get(seed).status(), "the sweep went on in a new worker");
            assertEquals(2, store.readEpochs(trials.get(seed).trialId()).size());
        }
    }

    /**
     * SIGKILL of the worker right after epoch 2 (in epoch 3, or while it writes epoch 2's records) fails the trial; --retry-failed continues it
     * from its last checkpoint, and every row, the confusion matrices and the best weights' test
     * numbers are bit for bit those of an uninterrupted run (wall-clock columns aside).
     */
    @Test
    void aKilledTrialContinuesFromItsCheckpointWithTheSameNumbers() throws Exception {
        Path file = experiment("""
                name: resume
                defaults: {arch: fcn, budget: 20000, dropout: 0.2, lr_schedule: plateau, lr_patience: 0}
                grid:
                  - {epochs: 8, seed: 1}
                """);
        Path whole = dir.resolve("whole");
        assertEquals(0, CliTest.run(sweepArgs(file, whole, "--workers", "1")).code());

        Path results = dir.resolve("killed");
        CompletableFuture<CliTest.Result> sweep = CompletableFuture.supplyAsync(
                () -> CliTest.run(sweepArgs(file, results, "--workers", "1")));
        TrialStore store = new TrialStore(results);
        TrialRecord victim = awaitRows(store, "1", 2);
        ProcessHandle worker = ProcessHandle.current().descendants()
                .filter(WorkerTest::isWorker).findFirst().orElseThrow();
        worker.destroyForcibly(); // any point must do
        assertEquals(1, sweep.get().code());
        int rowsLeft = store.readEpochs(victim.trialId()).size();
        assertTrue(rowsLeft >= 2 && rowsLeft < 8, "killed before the end: " + rowsLeft + " rows");
        assertEquals(TrialStatus.FAILED, store.read(victim.trialId()).orElseThrow().status());

        CliTest.Result again = CliTest.run(sweepArgs(file, results, "--retry-failed"));
        assertEquals(0, again.code(), again.out() + again.err());
        assertTrue(Pattern.compile("failed earlier \\(.*\\); it continues after epoch \\d \\(checkpoint\\)")
                .matcher(again.out()).find(), again.out());
        TrialStore uninterrupted = new TrialStore(whole);
        assertEquals(withoutClock(uninterrupted.readEpochs(victim.trialId())), withoutClock(store.readEpochs(victim.trialId())));
        assertEquals(Files.readString(uninterrupted.trialDir(victim.trialId()).resolve(TrialStore.CONFUSION_CSV)),
                Files.readString(store.trialDir(victim.trialId()).resolve(TrialStore.CONFUSION_CSV)));
        TrialRecord resumed = store.read(victim.trialId()).orElseThrow();
        assertEquals(TrialStatus.COMPLETED, resumed.status());
        assertEquals(uninterrupted.read(victim.trialId()).orElseThrow().bestWeights(), resumed.bestWeights());
        assertFalse(Files.exists(store.trialDir(victim.trialId()).resolve(TrialStore.CHECKPOINT)));
    }

    private static List<EpochRecord> withoutClock(List<EpochRecord> rows) {
        return rows.stream().map(r -> new EpochRecord(r.trialId(), r.epoch(), r.trainLoss(), r.trainAcc(), r.valLoss(),
                r.valAcc(), r.testLoss(), r.testAcc(), r.lr(), 0, 0)).toList();
    }

    @Test
    void aTrialWhoseLossTurnsNaNIsStoppedAsDiverged() throws Exception {
        // std 1e-45 (a legal positive number) turns every non-black pixel into infinity: NaN loss at once
        Path file = experiment("""
                name: nan
                data: {normalize: fixed, mean: 0, std: 1e-45}
                grid:
                  - {arch: fcn, budget: 20000, epochs: 50, seed: 1}
                """);
        Path results = dir.resolve("nan");
        CliTest.Result r = CliTest.run(sweepArgs(file, results));
        assertEquals(0, r.code(), r.err());
        TrialRecord trial = new TrialStore(results).readAll().get(0);
        assertEquals(TrialStatus.DIVERGED, trial.status(), r.out());
        assertTrue(trial.error().startsWith("training loss is NaN"), trial.error());
        assertEquals(0, trial.epochsCompleted(), "stopped within the first epoch, not after 50");
        assertTrue(r.out().contains("0 completed, 1 diverged"), r.out());
    }

    @Test
    void twoSweepsOnOneDirectoryRunEachTrialOnce() throws Exception {
        Path file = experiment("""
                name: pair
                defaults: {arch: fcn, budget: 20000, epochs: 3}
                grid:
                  - {seed: [1, 2, 3, 4, 5, 6]}
                """);
        Path results = dir.resolve("pair");
        ByteArrayOutputStream both = new ByteArrayOutputStream();
        PrintStream saved = System.out;
        System.setOut(new PrintStream(both, true, StandardCharsets.UTF_8));
        try {
            CompletableFuture<Integer> a = CompletableFuture.supplyAsync(() -> Main.execute(sweepArgs(file, results)));
            CompletableFuture<Integer> b = CompletableFuture.supplyAsync(() -> Main.execute(sweepArgs(file, results)));
            // a sweep that skipped trials the other was running says it is incomplete (exit 3)
            assertTrue(Set.of(0, Main.EXIT_INCOMPLETE).contains(a.get()), "exit code " + a.get());
            assertTrue(Set.of(0, Main.EXIT_INCOMPLETE).contains(b.get()), "exit code " + b.get());
        } finally {
            System.setOut(saved);
        }
        String out = both.toString(StandardCharsets.UTF_8);
        assertEquals(out.contains("run by another sweep") && !out.contains(", 0 run by another sweep"),
                out.contains("Incomplete: "), out);
        Matcher started = Pattern.compile("\\] trial ([0-9a-f]{10}): fcn").matcher(out);
        List<String> starts = new ArrayList<>();
        while (started.find()) {
            starts.add(started.group(1));
        }
        assertEquals(6, starts.size(), "six trial starts over both sweeps:\n" + out);
        assertEquals(6, starts.stream().distinct().count(), "no trial started twice:\n" + out);
        TrialStore store = new TrialStore(results);
        for (TrialRecord t : store.readAll()) {
            assertEquals(TrialStatus.COMPLETED, t.status());
            assertEquals(3, store.readEpochs(t.trialId()).size());
        }
    }

    /** The sweep as its own JVM (so that it can be killed), its output in {@code log}. */
    private Process startSweep(Path log, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Dai.djl.offline=true", "-cp",
                System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    @Test
    void killNineOfTheSweepEndsItsWorkerAndTheNextSweepCompletesEveryTrial() throws Exception {
        Path file = experiment("""
                name: orphan
                defaults: {arch: fcn, budget: 20000}
                grid:
                  - {epochs: 6, seed: 1}
                  - {epochs: 2, seed: 2}
                """);
        Path results = dir.resolve("orphan");
        Path log = dir.resolve("killed.log");
        Process sweep = startSweep(log, sweepArgs(file, results, "--workers", "1"));
        TrialStore store = new TrialStore(results);
        TrialRecord victim = awaitRows(store, "1", 2);
        ProcessHandle worker = sweep.toHandle().descendants()
                .filter(WorkerTest::isWorker).findFirst().orElseThrow();
        Path epochs = store.trialDir(victim.trialId()).resolve(TrialStore.EPOCHS_CSV);

        sweep.destroyForcibly(); // SIGKILL: no shutdown hook, no word to the worker
        assertTrue(sweep.waitFor(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS));
        long killed = System.nanoTime();
        byte[] rowsAtDeath = Files.readAllBytes(epochs);
        while (running(worker) && System.nanoTime() - killed < TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MILLIS)) {
            Thread.sleep(20);
        }
        long goneMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed);
        System.out.println("worker gone " + goneMillis + " ms after its sweep's kill -9");
        assertTrue(goneMillis < 2_000, "the worker outlived its sweep by " + goneMillis + " ms");
        Thread.sleep(500);
        assertArrayEquals(rowsAtDeath, Files.readAllBytes(epochs), "no row written after the sweep died");
        assertEquals(TrialStatus.RUNNING, store.read(victim.trialId()).orElseThrow().status(),
                "nothing recorded after the sweep died, not even 'interrupted'");

        // right away: the dead sweep's claim is taken at once, not after its lease
        CliTest.Result again = CliTest.run(sweepArgs(file, results));
        assertEquals(0, again.code(), again.out() + again.err());
        assertFalse(again.out().contains("being run by another sweep"), again.out());
        for (TrialRecord t : store.readAll()) {
            assertEquals(TrialStatus.COMPLETED, t.status(), t.trialId());
            assertEquals(t.setting("seed").equals("1") ? 6 : 2, store.readEpochs(t.trialId()).size());
        }
    }

    /**
     * Whether a process still runs. Not {@code onExit()}: for a process that is not our child it
     * polls about once a second; and an exited one stays a zombie (state Z) until init reaps it.
     */
    private static boolean running(ProcessHandle process) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"));
            return !stat.substring(stat.lastIndexOf(')') + 1).trim().startsWith("Z");
        } catch (IOException e) {
            return process.isAlive(); // gone from /proc, or not Linux
        }
    }

    @Test
    void freshRefusesWhileALiveSweepHoldsClaims() throws Exception {
        Path file = experiment("""
                name: busy
                defaults: {arch: fcn, budget: 20000}
                grid:
                  - {epochs: 200, seed: 1}
                """);
        Path results = dir.resolve("busy");
        Process sweep = startSweep(dir.resolve("busy.log"), sweepArgs(file, results, "--workers", "1"));
        try {
            awaitRows(new TrialStore(results), "1", 1);
            CliTest.Result fresh = CliTest.run(sweepArgs(file, results, "--fresh"));
            assertEquals(Main.EXIT_USER_ERROR, fresh.code(), fresh.out() + fresh.err());
            assertTrue(fresh.err().contains("--fresh: " + results + " is in use by a running sweep (" + sweep.pid() + "@"),
                    fresh.err());
            assertEquals(1, fresh.err().lines().count(), "one line: " + fresh.err());
            assertTrue(Files.isDirectory(results.resolve("trials")), "nothing was moved");
        } finally {
            sweep.destroy();
            sweep.waitFor(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    /**
     * A plan of three trials gives the same bits one-shot and as shards 1/2 + 2/2: each worker's
     * threads follow from the machine and the whole plan, not from what a shard has left (the
     * lone trial of shard 2/2, a CNN, would otherwise train on every core).
     */
    @Test
    void shardsGiveTheSameBitsAsOneShot() throws Exception {
        Path file = experiment("""
                name: layout
                defaults: {epochs: 2, batch_size: 128}
                grid:
                  - {arch: fcn, budget: 20000, seed: 1}
                  - {arch: cnn, budget: 5000, conv_blocks: 2, seed: 2}
                  - {arch: fcn, budget: 20000, seed: 3}
                """);
        Path whole = dir.resolve("whole");
        Path sharded = dir.resolve("sharded");
        CliTest.Result oneShot = CliTest.run(sweepArgs(file, whole, "--workers", "2"));
        assertEquals(0, oneShot.code(), oneShot.err());
        for (String shard : List.of("1/2", "2/2")) {
            CliTest.Result part = CliTest.run(sweepArgs(file, sharded, "--workers", "2", "--shard", shard));
            assertEquals(0, part.code(), part.err());
        }
        assertEquals(0, CliTest.run("report", sharded.toString()).code());
        assertEquals(withoutColumns(whole.resolve("trials.csv"), "training_time_s"),
                withoutColumns(sharded.resolve("trials.csv"), "training_time_s"));
        TrialStore store = new TrialStore(whole);
        List<TrialRecord> trials = store.readAll();
        assertEquals(3, trials.size());
        for (TrialRecord t : trials) {
            Path relative = whole.relativize(store.trialDir(t.trialId()).resolve(TrialStore.EPOCHS_CSV));
            assertEquals(withoutColumns(whole.resolve(relative), "epoch_time_s", "elapsed_s"),
                    withoutColumns(sharded.resolve(relative), "epoch_time_s", "elapsed_s"), relative.toString());
            assertEquals(t.provenance().intraOpThreads(),
                    new TrialStore(sharded).read(t.trialId()).orElseThrow().provenance().intraOpThreads());
        }
    }

    /** A CSV's cells, the wall-clock columns left out. */
    private static List<List<String>> withoutColumns(Path csv, String... wallClock) throws IOException {
        List<List<String>> rows = new ArrayList<>();
        try (var parser = EpochsCsv.FORMAT.builder().setHeader().setSkipHeaderRecord(false).build()
                .parse(Files.newBufferedReader(csv))) {
            List<String> keep = parser.getHeaderNames().stream().filter(h -> !List.of(wallClock).contains(h)).toList();
            rows.add(keep);
            for (var record : parser) {
                rows.add(keep.stream().map(record::get).toList());
            }
        }
        return rows;
    }

    @Test
    void ctrlCInterruptsAndTheNextSweepResumes() throws Exception {
        Path file = experiment("""
                name: stop
                defaults: {arch: fcn, budget: 20000}
                grid:
                  - {epochs: 25, seed: 1}
                  - {epochs: 2, seed: 2}
                """);
        Path results = dir.resolve("stop");
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), Main.class.getName()));
        // One worker: with two, the second trial would start alongside the first.
        command.addAll(List.of(sweepArgs(file, results, "--workers", "1")));
        Process sweep = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("sweep.log").toFile()).start();
        TrialStore store = new TrialStore(results);
        TrialRecord victim = awaitRows(store, "1", 2);
        if (Files.isExecutable(Path.of("/usr/bin/kill")) || Files.isExecutable(Path.of("/bin/kill"))) {
            new ProcessBuilder("kill", "-INT", Long.toString(sweep.pid())).start().waitFor(); // Ctrl-C
        } else {
            sweep.destroy(); // SIGTERM takes the same path
        }
        assertTrue(sweep.waitFor(TIMEOUT_MILLIS, java.util.concurrent.TimeUnit.MILLISECONDS));
        String log = Files.readString(dir.resolve("sweep.log"));
        TrialRecord stopped = store.read(victim.trialId()).orElseThrow();
        assertEquals(TrialStatus.INTERRUPTED, stopped.status(), log);
        int kept = store.readEpochs(victim.trialId()).size();
        assertTrue(kept >= 2 && kept < 25, "finished epochs kept: " + kept);
        assertEquals(kept, stopped.epochsCompleted());
        assertTrue(store.readAll().stream().noneMatch(t -> t.setting("seed").equals("2")), "nothing new started");

        CliTest.Result again = CliTest.run(sweepArgs(file, results));
        assertEquals(0, again.code(), again.err());
        assertTrue(again.out().contains("was interrupted after " + kept + " epoch(s); it continues after epoch " + kept
                + " (checkpoint)"), again.out());
        List<TrialRecord> all = store.readAll().stream().sorted(Comparator.comparing(t -> t.setting("seed"))).toList();
        assertEquals(List.of(TrialStatus.COMPLETED, TrialStatus.COMPLETED), all.stream().map(TrialRecord::status).toList());
        assertEquals(25, store.readEpochs(victim.trialId()).size());
    }

    /**
     * Whether a process is a worker JVM, by its whole command line from /proc: the JDK's
     * ProcessHandle.Info cuts a command line at 4,096 bytes, and a worker's classpath alone can be
     * longer than that.
     */
    private static boolean isWorker(ProcessHandle process) {
        try {
            String commandLine = new String(java.nio.file.Files.readAllBytes(
                    Path.of("/proc", Long.toString(process.pid()), "cmdline")), java.nio.charset.StandardCharsets.UTF_8);
            return commandLine.contains("\0" + WorkerCommand.NAME + "\0");
        } catch (java.io.IOException e) {
            return false; // it has exited
        }
    }
}
