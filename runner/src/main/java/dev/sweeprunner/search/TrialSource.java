package dev.sweeprunner.search;

import dev.sweeprunner.plan.Trial;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Where a sweep's slots take their next trial from: a fixed list (a grid, a random search), or a
 * search that proposes trials as results come in (TPE). Called from several slot threads.
 */
public interface TrialSource {
    /** A trial to run now, and the last epoch to train it to this time (a scheduler's rung, or its epochs). */
    record Assignment(Trial trial, int lastEpoch) {
        /** The trial to its last epoch. */
        public static Assignment whole(Trial trial) {
            return new Assignment(trial, trial.config().epochs());
        }
    }

    /** The next trial to run, or null when none is left. May wait until a running trial ends. */
    Assignment next() throws InterruptedException;

    /** A trial that {@link #next} handed out has ended: run here, or skipped because it ran elsewhere. */
    default void ended(Trial trial) {}

    /** The sweep is stopping: a waiting {@link #next} returns null. */
    default void stop() {}

    /** The trials in this order, each once. */
    static TrialSource of(List<Trial> trials) {
        ConcurrentLinkedQueue<Trial> queue = new ConcurrentLinkedQueue<>(trials);
        return () -> {
            Trial trial = queue.poll();
            return trial == null ? null : Assignment.whole(trial);
        };
    }
}
