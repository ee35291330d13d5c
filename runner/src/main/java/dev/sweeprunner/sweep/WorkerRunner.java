package dev.sweeprunner.sweep;

import dev.sweeprunner.train.TrialRunner;
import dev.sweeprunner.train.RecordingListener;
import dev.sweeprunner.train.ProgressListener;
import dev.sweeprunner.plan.Trial;
import dev.sweeprunner.records.DamagedRecord;
import dev.sweeprunner.records.EpochRecord;
import dev.sweeprunner.records.TrialRecord;
import dev.sweeprunner.records.TrialStatus;
import dev.sweeprunner.records.TrialStore;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;

/**
 * Runs trials in a worker JVM it starts and keeps (engine start and JIT paid once), so that a
 * native crash, an out-of-memory kill or a CUDA error ends one trial, not the sweep. A worker that
 * dies is replaced at the next trial; the trial it was running is recorded as failed, its
 * finished epoch rows kept and its stderr saved as {@code trials/<id>/worker.log}.
 */
public final class WorkerRunner implements TrialRunner {
    public static final String WORKER_LOG = "worker.log";
    /** Lines of a dead worker's stderr quoted in the trial's error message. */
    private static final int ERROR_TAIL_LINES = 5;
    private static final long EXIT_WAIT_SECONDS = 30;

    /**
     * glibc malloc settings for a worker (a user's own values win). By default glibc serves
     * blocks over 128 KiB, such as every batch's activations, from fresh mmap'd pages and gives
     * freed heap back to the kernel, so each batch pays page faults again. Keeping big blocks on
     * the heap (32 MiB, glibc's maximum), never trimming it, and growing it 256 MiB at a time
     * halved the system time and made compact-CNN epochs ~10% faster here, for ~250 MB more RSS.
     */
    static final Map<String, String> NATIVE_ALLOCATOR_SETTINGS = Map.of(
            "MALLOC_MMAP_THRESHOLD_", Long.toString(32L << 20),
            "MALLOC_TRIM_THRESHOLD_", Long.toString(16L << 30),
            "MALLOC_TOP_PAD_", Long.toString(256L << 20));

    private final List<String> command;
    private final Map<String, String> environment;
    private final ClassArchive classArchive;
    private final TrialStore store;
    private final String experiment;
    private final int planSize;
    private final PrintStream out;
    private final ProgressListener progress;
    private final Deque<String> stderrTail = new ArrayDeque<>();
    private volatile boolean stopping;
    private volatile Path currentLog;
    private Process process;
    /** What the current worker's exit code means for the class archive (see {@link ClassArchive}). */
    private IntConsumer onExit = ClassArchive.Launch.NOTHING;
    private BufferedReader replies;
    private Writer requests;
    private Thread stderrPump;

    /**
     * {@code command} starts with the java executable; the class archive's flags go right after it.
     * {@code progress} may be null (no terminal, or several workers sharing one). {@code experiment}
     * and {@code planSize} are sent to each worker it starts (see {@link WorkerProtocol}).
     */
    public WorkerRunner(List<String> command, ClassArchive classArchive, TrialStore store, String experiment,
            int planSize, PrintStream out, ProgressListener progress) {
        this(command, classArchive, store, experiment, planSize, out, progress, Map.of());
    }

    /** {@code environment}: added to each worker's own, e.g. the GPU it may see ({@link GpuAssignment}). */
    public WorkerRunner(List<String> command, ClassArchive classArchive, TrialStore store, String experiment,
            int planSize, PrintStream out, ProgressListener progress, Map<String, String> environment) {
        this.environment = Map.copyOf(environment);
        this.planSize = planSize;
        this.command = List.copyOf(command);
        this.classArchive = classArchive;
        this.store = store;
        this.experiment = experiment;
        this.out = out;
        this.progress = progress;
    }

    @Override
    public TrialStatus run(Trial trial, int lastEpoch) {
        if (stopping) {
            return TrialStatus.INTERRUPTED;
        }
        // what the trial's record said before this run: a worker that dies before writing its own
        // must not pass that record's status (a paused trial's "pruned") off as this run's end
        Optional<TrialRecord> before = store.read(trial.id());
        currentLog = store.trialDir(trial.id()).resolve(WORKER_LOG);
        truncate(currentLog);
        if (progress != null) {
            progress.onTrialStart(trial);
        }
        try {
            if (process != null && !process.isAlive()) {
                awaitExit(); // died while idle: its trial is done, start a new one
                process = null;
            }
            if (process == null && !start()) {
                return recordDeath(trial, before, "the worker JVM exited before it was ready");
            }
            requests.write(WorkerProtocol.run(trial, lastEpoch) + "\n");
            requests.flush();
            String line;
            while ((line = replies.readLine()) != null) {
                WorkerProtocol.Message message = WorkerProtocol.parse(line);
                if (message.verb().equals(WorkerProtocol.BATCH) && progress != null) {
                    progress.onBatchEnd(trial, message.number(1), message.number(2), message.number(3));
                } else if (message.verb().equals(WorkerProtocol.DONE) && message.trialId().equals(trial.id())) {
                    return message.status();
                }
            }
            return recordDeath(trial, before, "the worker JVM died");
        } catch (IOException e) {
            return recordDeath(trial, before, "lost the worker JVM (" + e.getMessage() + ")");
        } finally {
            if (progress != null) {
                progress.onTrialEnd(trial, 0, 0, null);
            }
        }
    }

    /** Starts the worker and waits for READY; false if it exited first (its stderr says why). */
    private boolean start() throws IOException {
        ClassArchive.Launch launch = classArchive.nextWorker();
        List<String> full = new ArrayList<>(command.subList(0, 1));
        full.addAll(launch.jvmFlags());
        full.addAll(command.subList(1, command.size()));
        ProcessBuilder builder = new ProcessBuilder(full);
        onExit = launch.onExit();
        withNativeAllocatorSettings(builder.environment());
        builder.environment().putAll(environment);
        process = builder.start();
        replies = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        requests = new java.io.OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        BufferedReader errors = new BufferedReader(new InputStreamReader(process.getErrorStream(),
                StandardCharsets.UTF_8));
        stderrPump = new Thread(() -> pump(errors), "worker-stderr");
        stderrPump.setDaemon(true);
        stderrPump.start();
        requests.write(WorkerProtocol.sweep(planSize, experiment) + "\n");
        requests.flush();
        String line;
        while ((line = replies.readLine()) != null) {
            if (line.equals(WorkerProtocol.READY)) {
                return true;
            }
        }
        return false;
    }

    /** Adds the allocator settings a worker's environment does not set already. */
    static void withNativeAllocatorSettings(Map<String, String> environment) {
        NATIVE_ALLOCATOR_SETTINGS.forEach(environment::putIfAbsent);
    }

    /**
     * Relays the worker's stderr to the console and into the current trial's worker.log, less the
     * JVM's "Picked up JAVA_TOOL_OPTIONS" banner: the sweep's own JVM printed it once already, and
     * each worker would repeat it at the top of every log.
     */
    private void pump(BufferedReader errors) {
        try {
            String line;
            boolean first = true;
            while ((line = errors.readLine()) != null) {
                if (first && isToolOptionsBanner(line)) {
                    first = false;
                    continue;
                }
                first = false;
                synchronized (stderrTail) {
                    stderrTail.addLast(line);
                    if (stderrTail.size() > ERROR_TAIL_LINES) {
                        stderrTail.removeFirst();
                    }
                }
                if (progress != null) {
                    progress.clear();
                }
                synchronized (out) {
                    out.println(line);
                }
                Path log = currentLog;
                if (log != null) {
                    Files.writeString(log, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                            StandardOpenOption.APPEND);
                }
            }
        } catch (IOException e) {
            // the worker is gone; run() notices on its side
        }
    }

    /** The line a JVM prints first when the environment sets JAVA_TOOL_OPTIONS. */
    static boolean isToolOptionsBanner(String line) {
        return line.startsWith("Picked up JAVA_TOOL_OPTIONS:");
    }

    /**
     * The worker ended without reporting this trial: record it as failed (interrupted when we asked
     * it to stop), keeping the epoch rows already on disk. Its records, if the worker wrote them in
     * time, win.
     */
    private TrialStatus recordDeath(Trial trial, Optional<TrialRecord> before, String what) {
        int exit = awaitExit();
        if (stderrPump != null) {
            try {
                stderrPump.join(TimeUnit.SECONDS.toMillis(EXIT_WAIT_SECONDS));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        process = null;
        Optional<TrialRecord> written = store.read(trial.id());
        if (written.isPresent() && written.get().status() != TrialStatus.RUNNING && !written.equals(before)) {
            return written.get().status();
        }
        TrialStatus status = stopping ? TrialStatus.INTERRUPTED : TrialStatus.FAILED;
        List<EpochRecord> rows;
        try {
            rows = store.readEpochs(trial.id());
        } catch (DamagedRecord e) { // a worker killed mid-row; the next sweep names it and moves it aside
            rows = List.of();
        }
        double seconds = rows.isEmpty() ? 0 : rows.get(rows.size() - 1).elapsedS();
        String tail;
        synchronized (stderrTail) {
            tail = String.join(" | ", stderrTail);
            stderrTail.clear();
        }
        String message = what + " (exit code " + exit + ")" + (tail.isEmpty() ? "" : "; last stderr: " + tail)
                + "; see " + WORKER_LOG;
        TrialRecord record = written.orElseGet(() -> RecordingListener.started(trial, experiment, null));
        store.write(record.finished(status, rows.size(), seconds, Instant.now().toString(), message));
        synchronized (out) {
            out.printf("  %s %s: %s%n", trial.id(), status.csvName().toUpperCase(java.util.Locale.ROOT), message);
        }
        return status;
    }

    private int awaitExit() {
        try {
            if (!process.waitFor(EXIT_WAIT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor();
            }
            int code = process.exitValue();
            onExit.accept(code);
            onExit = ClassArchive.Launch.NOTHING; // once per worker
            return code;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    @Override
    public void stop() {
        stopping = true;
        Process p = process;
        if (p != null) {
            p.destroy(); // SIGTERM: the worker's hook interrupts the trial and records it
        }
    }

    @Override
    public void finishInput() {
        if (process == null) {
            return;
        }
        try {
            requests.close(); // end of input: the worker exits after its trial
        } catch (IOException e) {
            // already gone
        }
    }

    @Override
    public void close() {
        if (process == null) {
            return;
        }
        finishInput();
        awaitExit();
        process = null;
    }

    private static void truncate(Path log) {
        try {
            Files.createDirectories(log.getParent());
            Files.writeString(log, "", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
