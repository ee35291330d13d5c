package dev.sweeprunner.sweep;

import dev.sweeprunner.plan.Trial;
import dev.sweeprunner.records.TrialStatus;
import dev.sweeprunner.train.InProcessRunner;
import dev.sweeprunner.train.TrialListener;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The worker JVM's side: trains each trial the sweep sends, one at a time, until its stdin
 * closes. SIGTERM or Ctrl-C stops the current trial at the next batch; it is recorded as
 * interrupted (its finished epochs kept) before the JVM exits. When the sweep itself dies the
 * worker exits at once without writing more (see {@link SweepWatch}).
 */
public final class WorkerLoop {
    /** How long the shutdown hook waits for the current trial to record itself. */
    private static final long STOP_GRACE_SECONDS = 60;
    /** Progress lines at most this often: they are for a human's bar. */
    private static final long BATCH_REPORT_NANOS = 250_000_000L;

    /** Makes the worker's runner once the sweep has said which experiment it runs and its plan's size. */
    @FunctionalInterface
    public interface RunnerFactory {
        /** {@code listeners} go first in the runner's list: the sweep watch must see each event before the records do. */
        InProcessRunner create(String experiment, int planSize, List<TrialListener> listeners);
    }

    private WorkerLoop() {}

    /** The listener that reports batch progress on the protocol channel. */
    static TrialListener progressReporter(PrintStream protocol) {
        return new TrialListener() {
            private long last;

            @Override
            public void onBatchEnd(Trial trial, int epoch, int batchesDone, int batches) {
                long now = System.nanoTime();
                if (now - last >= BATCH_REPORT_NANOS || batchesDone == batches) {
                    last = now;
                    protocol.println(WorkerProtocol.batch(trial.id(), epoch, batchesDone, batches));
                }
            }
        };
    }

    public static int serve(RunnerFactory runners, BufferedReader in, PrintStream protocol, PrintStream err)
            throws IOException {
        Optional<SweepWatch> watch = SweepWatch.ofParent(err);
        watch.ifPresent(SweepWatch::startPolling);
        String first = in.readLine();
        if (first == null) {
            return 0; // the sweep ended before sending anything
        }
        WorkerProtocol.Message opening = WorkerProtocol.parse(first);
        if (!opening.verb().equals(WorkerProtocol.SWEEP)) {
            throw new IllegalStateException("expected " + WorkerProtocol.SWEEP + " first, got: " + first);
        }
        WorkerProtocol.SweepHeader sweep = WorkerProtocol.sweepHeader(opening);
        List<TrialListener> listeners = new ArrayList<>();
        watch.ifPresent(listeners::add);
        listeners.add(progressReporter(protocol));
        InProcessRunner runner = runners.create(sweep.experiment(), sweep.planSize(), listeners);
        Semaphore busy = new Semaphore(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            runner.stop();
            try {
                if (busy.tryAcquire(STOP_GRACE_SECONDS, TimeUnit.SECONDS)) {
                    busy.release();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "worker-stop"));
        runner.prepare();
        protocol.println(WorkerProtocol.READY);
        String line;
        while ((line = in.readLine()) != null) {
            WorkerProtocol.Message message = WorkerProtocol.parse(line);
            if (!message.verb().equals(WorkerProtocol.RUN)) {
                continue;
            }
            Trial trial = WorkerProtocol.trial(message);
            int lastEpoch = WorkerProtocol.lastEpoch(message);
            busy.acquireUninterruptibly();
            TrialStatus status;
            try {
                status = runner.run(trial, lastEpoch);
            } finally {
                busy.release();
            }
            protocol.println(WorkerProtocol.done(trial.id(), status));
        }
        runner.close();
        return 0;
    }
}
