package dev.sweeprunner.search;

import dev.sweeprunner.plan.Trial;
import dev.sweeprunner.records.TrialRecord;
import dev.sweeprunner.records.TrialStore;
import dev.sweeprunner.spec.Choice;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A TPE search as a sweep's trial source. Configuration k is proposed once configurations
 * 0..k-batch have finished, from their objectives, with the batch-1 configurations before k as
 * pending (the constant liar: they count as bad, so parallel slots explore different regions).
 * Which configurations are finished and which pending is fixed by the numbers alone, never by
 * timing, so the proposals are a pure function of the seed, the batch and the finished records:
 * a restarted search with the same batch (= workers) proposes the same trials and resumes them.
 */
public final class TpeSource implements TrialSource {
    /** How often a wait re-reads the records, for trials another sweep on this directory runs. */
    private static final long POLL_MILLIS = 5_000;
    /**
     * How long a trial another sweep held is left alone before it is offered again: if that sweep
     * died, its claim expires (two minutes by default) and this sweep takes the trial over.
     */
    private static final long RETRY_ELSEWHERE_MILLIS = 30_000;

    private record Configuration(Suggestion suggestion, List<Trial> trials) {}

    private final Search search;
    private final TrialStore store;
    private final int batch;
    private final PrintStream out;
    private final List<Configuration> configurations = new ArrayList<>();
    /** Handed out by this sweep and not ended yet. */
    private final Set<String> running = new HashSet<>();
    /** Handed out by this sweep (ended or not): never handed out twice. */
    private final Set<String> taken = new HashSet<>();
    private final Map<Integer, Double> losses = new LinkedHashMap<>();
    /** Trials this sweep found claimed by another one, and when to offer them again. */
    private final Map<String, Long> elsewhereUntil = new HashMap<>();
    private boolean stopped;
    private boolean toldWaiting;

    public TpeSource(Search search, TrialStore store, int batch, PrintStream out) {
        this.search = search;
        this.store = store;
        this.batch = Math.max(1, batch);
        this.out = out;
    }

    /** One line for the sweep's output: what proposes the trials and how. */
    public String describe() {
        return search.describe() + ": " + Math.min(search.settings().nStartup(), search.settings().trials())
                + " random start-up configurations, then TPE (gamma " + search.settings().gamma() + ", "
                + search.settings().nCandidates() + " candidates)" + (batch > 1 ? ", proposing in batches of " + batch
                        + " with the constant liar (the " + (batch - 1) + " configuration(s) proposed just before each "
                        + "one count as bad until they finish)" : ", one configuration at a time");
    }

    @Override
    public synchronized Assignment next() throws InterruptedException {
        while (!stopped) {
            Optional<Trial> unfinished = unfinishedTrial();
            if (unfinished.isPresent()) {
                return Assignment.whole(unfinished.get());
            }
            int number = configurations.size();
            if (number >= search.settings().trials()) {
                if (running.isEmpty() && !waitingForOthers()) {
                    return null;
                }
            } else if (number < search.settings().nStartup() || finishedUpTo(number - batch)) {
                propose(number);
                continue;
            } else if (running.isEmpty() && !toldWaiting) {
                toldWaiting = true;
                out.println("TPE: waiting for trials run by another sweep on this directory before proposing more");
            }
            wait(POLL_MILLIS);
        }
        return null;
    }

    @Override
    public synchronized void ended(Trial trial) {
        running.remove(trial.id());
        if (!stopped && !isFinished(trial)) {
            // not run here (another sweep holds it) or not to its end: offered again later
            taken.remove(trial.id());
            elsewhereUntil.put(trial.id(), System.currentTimeMillis() + RETRY_ELSEWHERE_MILLIS);
        }
        notifyAll();
    }

    @Override
    public synchronized void stop() {
        stopped = true;
        notifyAll();
    }

    /** A trial of a proposed configuration that has no final record and that this sweep has not taken. */
    private Optional<Trial> unfinishedTrial() {
        long now = System.currentTimeMillis();
        for (Configuration c : configurations) {
            for (Trial trial : c.trials()) {
                if (!taken.contains(trial.id()) && elsewhereUntil.getOrDefault(trial.id(), 0L) <= now
                        && !isFinished(trial)) {
                    taken.add(trial.id());
                    running.add(trial.id());
                    return Optional.of(trial);
                }
            }
        }
        return Optional.empty();
    }

    /** Trials another sweep took that have not finished: the search waits for them. */
    private boolean waitingForOthers() {
        return configurations.stream().flatMap(c -> c.trials().stream()).anyMatch(t -> !isFinished(t));
    }

    private boolean isFinished(Trial trial) {
        return store.read(trial.id()).filter(r -> r.configHash().equals(trial.configHash()))
                .map(TrialRecord::status).filter(Search::finished).isPresent();
    }

    /** True when configurations 0..last all have their objective. */
    private boolean finishedUpTo(int last) {
        for (int k = 0; k <= last; k++) {
            if (!losses.containsKey(k)) {
                Optional<Double> loss = search.loss(configurations.get(k).trials(), store);
                if (loss.isEmpty()) {
                    return false;
                }
                losses.put(k, loss.get());
            }
        }
        return true;
    }

    private void propose(int number) {
        List<Search.Scored> finished = new ArrayList<>();
        List<Suggestion> pending = new ArrayList<>();
        for (int k = 0; k < number && number >= search.settings().nStartup(); k++) {
            Suggestion s = configurations.get(k).suggestion();
            if (k <= number - batch) {
                finished.add(new Search.Scored(s, losses.get(k)));
            } else {
                pending.add(s);
            }
        }
        Suggestion suggestion = search.next(number, finished, pending);
        List<Trial> trials = search.trials(suggestion);
        configurations.add(new Configuration(suggestion, trials));
        if (number >= search.settings().nStartup()) {
            out.printf("TPE proposes configuration %d of %d: %s%n", number + 1, search.settings().trials(),
                    describe(suggestion));
        }
    }

    static String describe(Suggestion suggestion) {
        List<String> parts = new ArrayList<>();
        suggestion.values().forEach((field, value) -> parts.add(field.key() + " " + plain(value)));
        return String.join(", ", parts);
    }

    private static Object plain(Object value) {
        return value instanceof Choice choice ? choice.yamlName() : value;
    }
}
