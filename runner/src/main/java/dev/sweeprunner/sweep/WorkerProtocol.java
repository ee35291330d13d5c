package dev.sweeprunner.sweep;

import dev.sweeprunner.records.TrialStatus;
import java.util.Locale;

/**
 * The line protocol between a sweep and its worker JVMs. The sweep writes {@code RUN <trial>}
 * on the worker's stdin; the worker answers on stdout with {@code READY} once (engine and data
 * loaded), {@code BATCH <trial> <epoch> <done> <total>} now and then for progress bars, and
 * {@code DONE <trial> <status>} when a trial has ended and its records are written. Everything
 * else a worker prints goes to its stderr, which the sweep relays and keeps per trial.
 */
final class WorkerProtocol {
    static final String READY = "READY";
    static final String RUN = "RUN";
    static final String BATCH = "BATCH";
    static final String DONE = "DONE";

    /** One parsed line: the verb and its words. */
    record Message(String verb, String[] words) {
        String trialId() {
            return words.length > 0 ? words[0] : "";
        }

        int number(int i) {
            return Integer.parseInt(words[i]);
        }

        TrialStatus status() {
            return TrialStatus.valueOf(words[1].toUpperCase(Locale.ROOT));
        }
    }

    private WorkerProtocol() {}

    static String run(String trialId) {
        return RUN + " " + trialId;
    }

    static String batch(String trialId, int epoch, int done, int total) {
        return BATCH + " " + trialId + " " + epoch + " " + done + " " + total;
    }

    static String done(String trialId, TrialStatus status) {
        return DONE + " " + trialId + " " + status.csvName();
    }

    static Message parse(String line) {
        String[] parts = line.trim().split(" ");
        String[] words = new String[parts.length - 1];
        System.arraycopy(parts, 1, words, 0, words.length);
        return new Message(parts[0], words);
    }
}
