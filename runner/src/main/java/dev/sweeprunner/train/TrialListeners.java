package dev.sweeprunner.train;

import dev.sweeprunner.plan.Trial;
import dev.sweeprunner.plan.TrialConfig;
import dev.sweeprunner.records.Provenance;
import dev.sweeprunner.records.TrialStore;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The listener lists a trial trains with, built in this one place (their order matters). */
public final class TrialListeners {
    private TrialListeners() {}

    /**
     * A sweep trial's listeners, told in this order: {@code first} (a progress bar must clear
     * before any line is printed; the worker protocol), the console, the records; then the
     * schedule and early stopping, which decide the next epoch's rate and whether there is one;
     * last the checkpoint, which saves what they decided. With {@code from}, the schedule and early
     * stopping continue from the checkpoint's state.
     */
    public static TrialListener standard(Trial trial, Optional<Checkpoint> from, List<TrialListener> first,
            PrintStream out, int trialCount, TrialStore store, String experiment, Provenance provenance) {
        LrScheduler schedule = LrScheduler.of(trial.config());
        EarlyStopping earlyStopping = EarlyStopping.of(trial.config());
        from.ifPresent(c -> {
            schedule.restore(c.schedule());
            earlyStopping.restore(c.earlyStopping());
        });
        List<TrialListener> listeners = new ArrayList<>(first);
        listeners.add(new ConsoleListener(out, trialCount));
        listeners.add(new RecordingListener(store, experiment, provenance));
        listeners.add(schedule);
        listeners.add(earlyStopping);
        listeners.add(new CheckpointListener(store, schedule, earlyStopping));
        return TrialListener.all(listeners);
    }

    /**
     * What makes training follow the trial's configuration and nothing else (no records, no
     * checkpoints), followed by {@code observer}: for running the loop on its own.
     */
    public static TrialListener training(TrialConfig config, TrialListener observer) {
        return TrialListener.all(List.of(LrScheduler.of(config), EarlyStopping.of(config), observer));
    }
}
