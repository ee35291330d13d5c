package dev.sweeprunner.sweep;

import dev.sweeprunner.plan.Trial;
import dev.sweeprunner.records.BestWeights;
import dev.sweeprunner.records.ConfusionMatrix;
import dev.sweeprunner.records.EpochRecord;
import dev.sweeprunner.train.TrialListener;
import java.io.PrintStream;
import java.util.Optional;

/**
 * A worker JVM's check that its sweep still lives. A sweep killed with {@code kill -9} closes the
 * worker's stdin, but a worker reads stdin only between trials; without this check it would train
 * to the end, writing rows that no claim covers while a new sweep may run the same trial.
 *
 * <p>Two guards. A daemon thread polls every {@link #POLL_MILLIS} ms and halts the JVM when the
 * sweep is gone: the worker exits within a second, mid-batch. And, as a listener placed before the
 * one that writes records, it checks again right before every write (trial start, epoch row, best
 * weights, trial end) and halts instead of writing: so no record is written once the sweep is seen
 * dead, whatever the poll's timing (only a write already past its check, microseconds long, can
 * land after the sweep's death). Halting skips the shutdown hook that would record the trial as
 * interrupted: that, too, would be a write; the next sweep finds the trial "running" with its
 * finished epochs and runs it again.
 */
final class SweepWatch implements TrialListener {
    /** Often enough to exit within a second; one /proc read each, nothing measurable. */
    static final long POLL_MILLIS = 200;
    /** The worker's exit code when its sweep died (it is no one's to read, but shells print it). */
    static final int EXIT_SWEEP_GONE = 3;

    private final ProcessHandle sweep;
    private final PrintStream err;

    private SweepWatch(ProcessHandle sweep, PrintStream err) {
        this.sweep = sweep;
        this.err = err;
    }

    /** Watches this JVM's parent, the sweep that started it; empty when it has none (started by hand). */
    static Optional<SweepWatch> ofParent(PrintStream err) {
        return ProcessHandle.current().parent().map(parent -> new SweepWatch(parent, err));
    }

    /**
     * Whether the sweep lives. A dead parent's children are handed to init (or a subreaper) at once,
     * even while the dead parent is a zombie that {@link ProcessHandle#isAlive()} still sees: so the
     * parent PID changing is the signal; isAlive (which also compares start times) covers the rest.
     */
    boolean sweepAlive() {
        return ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(-1L) == sweep.pid() && sweep.isAlive();
    }

    void startPolling() {
        Thread poll = new Thread(() -> {
            try {
                while (true) {
                    Thread.sleep(POLL_MILLIS);
                    haltUnlessSweepAlive();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "sweep-watch");
        poll.setDaemon(true);
        poll.start();
    }

    private void haltUnlessSweepAlive() {
        if (!sweepAlive()) {
            err.println("worker: the sweep (PID " + sweep.pid() + ") is gone; exiting without writing more");
            err.flush();
            Runtime.getRuntime().halt(EXIT_SWEEP_GONE);
        }
    }

    @Override
    public void onTrialStart(Trial trial) {
        haltUnlessSweepAlive();
    }

    @Override
    public void onEpochEnd(Trial trial, EpochRecord record, ConfusionMatrix testConfusion) {
        haltUnlessSweepAlive();
    }

    @Override
    public void onBestEpoch(Trial trial, EpochRecord record, byte[] parameters) {
        haltUnlessSweepAlive();
    }

    @Override
    public void onBestWeightsEvaluated(Trial trial, BestWeights best) {
        haltUnlessSweepAlive();
    }

    @Override
    public void onTrialEnd(Trial trial, int epochsCompleted, double trainingTimeS, Throwable error) {
        haltUnlessSweepAlive();
    }
}
