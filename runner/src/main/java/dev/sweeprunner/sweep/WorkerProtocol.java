package dev.sweeprunner.sweep;

import dev.sweeprunner.plan.CanonicalJson;
import dev.sweeprunner.plan.Planner;
import dev.sweeprunner.plan.Trial;
import dev.sweeprunner.records.TrialStatus;
import java.util.Locale;

/**
 * The line protocol between a sweep and its worker JVMs. The sweep first writes
 * {@code SWEEP <plan size> <experiment>} once, then {@code RUN <index> <trial id> <last epoch> <canonical JSON>}
 * per trial (last epoch: where a scheduler stops it this time; its epochs when none does): the resolved trial itself, as JMH hands a forked VM its resolved benchmark, so a worker
 * never reads the experiment file or the sweep's flags. The worker answers on stdout with
 * {@code READY} once (engine loaded), {@code BATCH <trial> <epoch> <done> <total>} now and then for
 * progress bars, and {@code DONE <trial> <status>} when a trial has ended and its records are
 * written. Everything else a worker prints goes to its stderr, which the sweep relays and keeps per
 * trial.
 */
final class WorkerProtocol {
    static final String SWEEP = "SWEEP";
    static final String READY = "READY";
    static final String RUN = "RUN";
    static final String BATCH = "BATCH";
    static final String DONE = "DONE";

    /** One parsed line: the verb and the rest of the line. */
    record Message(String verb, String rest) {
        String[] words() {
            return rest.isEmpty() ? new String[0] : rest.split(" ");
        }

        String trialId() {
            String[] words = words();
            return words.length > 0 ? words[0] : "";
        }

        int number(int i) {
            return Integer.parseInt(words()[i]);
        }

        TrialStatus status() {
            return TrialStatus.valueOf(words()[1].toUpperCase(Locale.ROOT));
        }
    }

    /** What a worker needs to know of its sweep: the plan's size (for "[3/7]") and the experiment's name. */
    record SweepHeader(int planSize, String experiment) {}

    private WorkerProtocol() {}

    static String sweep(int planSize, String experiment) {
        return SWEEP + " " + planSize + " " + experiment;
    }

    static SweepHeader sweepHeader(Message message) {
        String[] parts = message.rest().split(" ", 2);
        return new SweepHeader(Integer.parseInt(parts[0]), parts.length > 1 ? parts[1] : "");
    }

    /** The resolved trial; its canonical JSON has no line breaks (Jackson escapes them in strings). */
    static String run(Trial trial) {
        return run(trial, trial.config().epochs());
    }

    static String run(Trial trial, int lastEpoch) {
        return RUN + " " + trial.index() + " " + trial.id() + " " + lastEpoch + " " + trial.config().canonicalJson();
    }

    static int lastEpoch(Message message) {
        return Integer.parseInt(message.rest().split(" ", 4)[2]);
    }

    /**
     * The trial of a RUN line, rebuilt from its config alone (network included, by the planner's
     * pure sizing function: the config is what the id is hashed from, so the network follows from
     * it; a second form of the network on the wire could disagree with it).
     */
    static Trial trial(Message message) {
        String[] parts = message.rest().split(" ", 4);
        Trial trial = Planner.trial(Integer.parseInt(parts[0]), CanonicalJson.decode(parts[3]));
        if (!trial.id().equals(parts[1])) {
            throw new IllegalStateException("the sweep sent trial " + parts[1] + " but its config hashes to "
                    + trial.id() + " (a worker of another runner version?)");
        }
        return trial;
    }

    static String batch(String trialId, int epoch, int done, int total) {
        return BATCH + " " + trialId + " " + epoch + " " + done + " " + total;
    }

    static String done(String trialId, TrialStatus status) {
        return DONE + " " + trialId + " " + status.csvName();
    }

    static Message parse(String line) {
        String trimmed = line.trim();
        int space = trimmed.indexOf(' ');
        return space < 0 ? new Message(trimmed, "") : new Message(trimmed.substring(0, space), trimmed.substring(space + 1));
    }
}
