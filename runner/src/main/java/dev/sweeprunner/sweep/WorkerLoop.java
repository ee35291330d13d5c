package dev.sweeprunner.sweep;

import dev.sweeprunner.train.TrialListener;
import dev.sweeprunner.train.InProcessRunner;
import dev.sweeprunner.plan.Plan;
import dev.sweeprunner.plan.Trial;
import dev.sweeprunner.records.TrialStatus;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The worker JVM's side: trains each trial the sweep sends, one at a time, until its stdin
 * closes. SIGTERM or Ctrl-C stops the current trial at the next batch; it is recorded as
 * interrupted (its finished epochs kept) before the JVM exits.
 */
public final class WorkerLoop {
    /** How long the shutdown hook waits for the current trial to record itself. */
    private static final long STOP_GRACE_SECONDS = 60;
    /** Progress lines at most this often: they are for a human's bar. */
    private static final long BATCH_REPORT_NANOS = 250_000_000L;

    private WorkerLoop() {}

    /** The listener that reports batch progress on the protocol channel. */
    public static TrialListener progressReporter(PrintStream protocol) {
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

    public static int serve(Plan plan, InProcessRunner runner, BufferedReader in, PrintStream protocol)
            throws IOException {
        return serve(plan, id -> Optional.empty(), runner, in, protocol);
    }

    /** {@code proposed}: trials a search proposed during the sweep, which the plan does not list (TPE). */
    public static int serve(Plan plan, Function<String, Optional<Trial>> proposed, InProcessRunner runner,
            BufferedReader in, PrintStream protocol) throws IOException {
        Map<String, Trial> trials = plan.trials().stream().collect(Collectors.toMap(Trial::id, Function.identity()));
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
            Trial trial = Optional.ofNullable(trials.get(message.trialId()))
                    .or(() -> proposed.apply(message.trialId())).orElse(null);
            if (trial == null) {
                throw new IllegalStateException("the sweep sent trial " + message.trialId()
                        + ", which is not in this worker's plan (different experiment file or overrides?)");
            }
            busy.acquireUninterruptibly();
            TrialStatus status;
            try {
                status = runner.run(trial);
            } finally {
                busy.release();
            }
            protocol.println(WorkerProtocol.done(trial.id(), status));
        }
        runner.close();
        return 0;
    }
}
