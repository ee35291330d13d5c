package dev.sweeprunner.search;

import dev.sweeprunner.plan.Plan;
import dev.sweeprunner.plan.Trial;
import dev.sweeprunner.records.DamagedRecord;
import dev.sweeprunner.records.EpochRecord;
import dev.sweeprunner.records.TrialRecord;
import dev.sweeprunner.records.TrialStatus;
import dev.sweeprunner.records.TrialStore;
import dev.sweeprunner.spec.Monitor;
import dev.sweeprunner.spec.SearchSpec;
import dev.sweeprunner.spec.TrialField;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Asynchronous successive halving (ASHA, Li et al. 2020) over epochs, as a sweep's trial source.
 * A configuration is the set of trials that differ only in seed or fold. Every configuration first
 * trains to the lowest rung; whenever a slot is free, the scheduler promotes, from the highest rung
 * down, a configuration that is in the top 1/reduction of the configurations that reached that rung
 * and has not gone on yet, and otherwise starts the next configuration. A configuration's value at
 * a rung is the objective over its trials' best validation metric up to that epoch (the mean over
 * seeds and folds, optionally minus k std): never the test set, never one lucky seed.
 *
 * <p>Everything it decides from is read back from the trial records on each call, so a sweep that
 * is killed and started again carries on where the records are: paused trials stay paused, a
 * trial cut off mid-stint continues from its checkpoint to the rung it was going to. With one slot
 * the decisions are a pure function of the records; with several, which configuration reaches a
 * rung first depends on timing, as in the paper (each decision is printed with its ranking).
 * Stopped trials end {@link TrialStatus#PRUNED} at their rung and stay in every table.
 */
public final class AshaSource implements TrialSource {
    /** How often a wait re-reads the records, for trials another sweep on this directory runs. */
    private static final long POLL_MILLIS = 5_000;
    /** How long a trial another sweep held is left alone before it is offered again (see TpeSource). */
    private static final long RETRY_ELSEWHERE_MILLIS = 30_000;

    /** Supplies configuration {@code number} from the first-rung losses of those before it (TPE), or not yet. */
    @FunctionalInterface
    public interface Proposer {
        Optional<List<Trial>> propose(int number, List<Optional<Double>> firstRungLosses);
    }

    private final SearchSpec.Asha asha;
    private final List<Integer> rungs;
    private final SearchSpec.Objective objective;
    private final TrialStore store;
    private final int total;
    private final Proposer proposer;
    private final PrintStream out;
    private final String what;
    private final List<List<Trial>> configurations = new ArrayList<>();
    /** Per configuration, the rung this sweep promoted it to (above what its records show yet). */
    private final Map<Integer, Integer> promotedTo = new HashMap<>();
    /** Handed out by this sweep and not ended yet. */
    private final Set<String> running = new HashSet<>();
    /** The last epoch each trial was handed out to, for telling a stint that ran from one that did not. */
    private final Map<String, Integer> assigned = new HashMap<>();
    private final Map<String, Long> elsewhereUntil = new HashMap<>();
    private boolean stopped;
    private boolean summarised;

    AshaSource(SearchSpec search, int total, Proposer proposer, TrialStore store, PrintStream out, String what) {
        this.asha = search.asha().orElseThrow(() -> new IllegalArgumentException("no ASHA scheduler in the search"));
        this.rungs = asha.rungs();
        this.objective = search.objective();
        this.total = total;
        this.proposer = proposer;
        this.store = store;
        this.out = out;
        this.what = what;
    }

    /** ASHA over a grid's configurations, in plan order. */
    public static AshaSource grid(Plan plan, SearchSpec search, TrialStore store, PrintStream out) {
        List<List<Trial>> groups = configurations(plan.trials());
        return new AshaSource(search, groups.size(), (n, losses) -> Optional.of(groups.get(n)), store, out,
                "grid of " + groups.size() + " configurations");
    }

    /**
     * ASHA over a random search's or a TPE search's configurations (TPE learns from the first
     * rung); {@code settings}: the search's, with --epochs applied to max_epochs.
     */
    public static AshaSource search(Search search, SearchSpec settings, TrialStore store, int batch,
            PrintStream out) {
        Proposer proposer = settings.strategy() == SearchSpec.Strategy.TPE
                ? tpe(search, Math.max(1, batch), out)
                : (n, losses) -> Optional.of(search.trials(search.random(n)));
        return new AshaSource(settings, settings.trials(), proposer, store, out, search.describe());
    }

    /**
     * TPE under ASHA: configuration k is proposed from the first-rung values of configurations
     * 0..k-batch (the rung every configuration reaches; a pure function of the records, whatever
     * the promotions), with the batch-1 before it as pending (constant liar).
     */
    private static Proposer tpe(Search search, int batch, PrintStream out) {
        List<Suggestion> suggestions = new ArrayList<>();
        return (number, losses) -> {
            List<Search.Scored> finished = new ArrayList<>();
            List<Suggestion> pending = new ArrayList<>();
            if (number >= search.settings().nStartup()) {
                for (int k = 0; k < number; k++) {
                    if (k <= number - batch) {
                        if (losses.get(k).isEmpty()) {
                            return Optional.empty();
                        }
                        finished.add(new Search.Scored(suggestions.get(k), losses.get(k).get()));
                    } else {
                        pending.add(suggestions.get(k));
                    }
                }
            }
            Suggestion suggestion = search.next(number, finished, pending);
            suggestions.add(suggestion);
            if (number >= search.settings().nStartup()) {
                out.printf("TPE proposes configuration %d of %d from the first rung: %s%n", number + 1,
                        search.settings().trials(), TpeSource.describe(suggestion));
            }
            return Optional.of(search.trials(suggestion));
        };
    }

    /** Trials grouped by everything but seed and fold, in order of first appearance. */
    static List<List<Trial>> configurations(List<Trial> trials) {
        Map<Map<String, Object>, List<Trial>> groups = new LinkedHashMap<>();
        for (Trial trial : trials) {
            Map<String, Object> key = new LinkedHashMap<>(trial.config().toMap());
            key.remove(TrialField.SEED.key());
            key.remove("fold");
            groups.computeIfAbsent(key, k -> new ArrayList<>()).add(trial);
        }
        return groups.values().stream().map(List::copyOf).toList();
    }

    public String describe() {
        return what + "; " + asha.describe() + " (objective " + objective.describe() + " at each rung, over a "
                + "configuration's seeds and folds)";
    }

    @Override
    public synchronized Assignment next() throws InterruptedException {
        // each trial's records are read once per pass: a promotion or a proposal changes what this
        // source decides, not what is on disk, so the passes it triggers reuse what was read
        Map<String, Progress> read = new HashMap<>();
        while (!stopped) {
            List<Standing> standings = standings(read);
            Optional<Assignment> work = continuing(standings);
            if (work.isPresent()) {
                return work.get();
            }
            if (promote(standings)) {
                continue;
            }
            if (configurations.size() < total) {
                List<Optional<Double>> firstRung = standings.stream().map(s -> loss(s, rungs.get(0))).toList();
                Optional<List<Trial>> proposed = proposer.propose(configurations.size(), firstRung);
                if (proposed.isPresent()) {
                    configurations.add(proposed.get());
                    continue;
                }
            }
            if (running.isEmpty() && elsewhereUntil.isEmpty()) {
                if (!summarised) { // once, by the first slot to find nothing left
                    summarised = true;
                    summarise(standings);
                }
                return null;
            }
            wait(POLL_MILLIS);
            read.clear(); // woken by a trial's end, or polling for other sweeps' records
        }
        return null;
    }

    @Override
    public synchronized void ended(Trial trial) {
        running.remove(trial.id());
        if (!stopped) {
            Progress progress = progress(trial);
            if (!progress.terminal() && progress.epochs() < assigned.getOrDefault(trial.id(), 0)) {
                // not run here (another sweep holds it, whatever its record says yet) or cut off:
                // offered again later, not at once (a claim held elsewhere would spin)
                elsewhereUntil.put(trial.id(), System.currentTimeMillis() + RETRY_ELSEWHERE_MILLIS);
            }
        }
        notifyAll();
    }

    @Override
    public synchronized void stop() {
        stopped = true;
        notifyAll();
    }

    /** A trial of a configuration below the rung it is going to, not running here: on to that rung. */
    private Optional<Assignment> continuing(List<Standing> standings) {
        long now = System.currentTimeMillis();
        elsewhereUntil.values().removeIf(until -> until <= now);
        for (Standing s : standings) {
            int target = target(s);
            for (int i = 0; i < s.trials().size(); i++) {
                Trial trial = s.trials().get(i);
                Progress p = s.progress().get(i);
                if (!s.failed() && !p.terminal() && p.epochs() < target && !running.contains(trial.id())
                        && !elsewhereUntil.containsKey(trial.id())) {
                    running.add(trial.id());
                    assigned.put(trial.id(), target);
                    return Optional.of(new Assignment(trial, target));
                }
            }
        }
        return Optional.empty();
    }

    /**
     * Promotes one configuration, from the highest rung below the top down: one in the top
     * floor(n / reduction) of the n configurations that reached the rung (ties by configuration
     * number), not finished, not gone on yet. True when it promoted one.
     */
    private boolean promote(List<Standing> standings) {
        for (int r = rungs.size() - 2; r >= 0; r--) {
            int rung = rungs.get(r);
            List<Standing> reached = standings.stream().filter(s -> loss(s, rung).isPresent())
                    .sorted(Comparator.comparingDouble((Standing s) -> loss(s, rung).get())
                            .thenComparingInt(Standing::number))
                    .toList();
            int continuing = reached.size() / asha.reduction();
            for (int place = 0; place < continuing; place++) {
                Standing s = reached.get(place);
                if (!s.finished() && target(s) == rung && s.allAt(rung)) {
                    int next = rungs.get(r + 1);
                    promotedTo.put(s.number(), next);
                    out.printf(Locale.ROOT, "ASHA: configuration %d continues to %d epochs (%s %s at %d epochs, "
                            + "%s of %d there; the top %d go on)%n", s.number() + 1, next,
                            objective.metric().yamlName(), format(loss(s, rung).get()), rung, ordinal(place + 1),
                            reached.size(), continuing);
                    return true;
                }
            }
        }
        return false;
    }

    private void summarise(List<Standing> standings) {
        Map<String, Integer> stoppedAt = new LinkedHashMap<>();
        for (Standing s : standings) {
            int epochs = s.progress().stream().mapToInt(Progress::epochs).min().orElse(0);
            String where = s.failed() ? "failed or diverged"
                    : s.progress().stream().allMatch(p -> p.status().filter(t -> t == TrialStatus.PRUNED).isPresent())
                            ? "pruned at " + epochs + " epochs" : "ended at " + epochs + " epochs";
            stoppedAt.merge(where, 1, Integer::sum);
        }
        List<String> parts = new ArrayList<>();
        stoppedAt.forEach((where, count) -> parts.add(count + " " + where));
        out.println("ASHA: " + standings.size() + " configuration(s): " + String.join(", ", parts));
    }

    private List<Standing> standings(Map<String, Progress> read) {
        List<Standing> standings = new ArrayList<>();
        for (int n = 0; n < configurations.size(); n++) {
            List<Trial> trials = configurations.get(n);
            standings.add(new Standing(n, trials, trials.stream().map(t -> read.computeIfAbsent(t.id(), id -> progress(t))).toList(),
                    promotedTo.getOrDefault(n, 0)));
        }
        return standings;
    }

    /** One trial as its records stand: epochs trained, status, and its best metric after each epoch. */
    record Progress(int epochs, Optional<TrialStatus> status, boolean terminal, boolean failed, double[] bestUpTo) {}

    private Progress progress(Trial trial) {
        Optional<TrialRecord> record = store.read(trial.id()).filter(r -> r.configHash().equals(trial.configHash()));
        if (record.isEmpty()) {
            return new Progress(0, Optional.empty(), false, false, new double[0]);
        }
        List<EpochRecord> rows;
        try {
            rows = store.readEpochs(trial.id());
        } catch (DamagedRecord e) {
            // a torn read of a trial being written, or a row cut by a kill: no progress to count;
            // when it runs again the sweep names the damage and moves the file aside first
            return new Progress(0, Optional.of(record.get().status()), false, false, new double[0]);
        }
        double[] best = new double[rows.size()];
        double sofar = Double.NaN;
        for (int i = 0; i < rows.size(); i++) {
            double v = objective.metric() == Monitor.VAL_ACC ? rows.get(i).valAcc() : rows.get(i).valLoss();
            if (Double.isFinite(v) && (Double.isNaN(sofar) || (objective.maximize() ? v > sofar : v < sofar))) {
                sofar = v;
            }
            best[i] = sofar;
        }
        TrialRecord r = record.get();
        boolean failed = r.status() == TrialStatus.DIVERGED || r.status() == TrialStatus.FAILED;
        Object planned = r.config().get(TrialField.EPOCHS.key());
        // completed at an earlier, smaller max_epochs: it goes on under the raised one
        boolean shorterRun = planned instanceof Number n && n.intValue() < trial.config().epochs()
                && rows.size() == n.intValue();
        boolean terminal = failed || r.status() == TrialStatus.COMPLETED && !shorterRun;
        return new Progress(rows.size(), Optional.of(r.status()), terminal, failed, best);
    }

    /** A configuration's trials, their progress, and the rung this sweep promoted it to. */
    record Standing(int number, List<Trial> trials, List<Progress> progress, int promotedTo) {
        boolean failed() {
            return progress.stream().anyMatch(Progress::failed);
        }

        /** Nothing left to train: a trial failed, or every one ended for good (early stopping, max_epochs). */
        boolean finished() {
            return failed() || progress.stream().allMatch(Progress::terminal);
        }

        /** Every trial has trained to the rung, or ended for good on its way (early stopping). */
        boolean allAt(int rung) {
            return progress.stream().allMatch(p -> p.terminal() || p.epochs() >= rung);
        }
    }

    /**
     * The rung a configuration's trials are training to: the one this sweep promoted it to, or
     * where its furthest trial is: a paused trial (pruned, or completed at a smaller max_epochs)
     * at the highest rung it has passed, waiting for a decision there; one cut off mid-stint on its
     * way to the next rung; the first rung for a new configuration.
     */
    private int target(Standing s) {
        int level = 0;
        for (Progress p : s.progress()) {
            if (!p.terminal()) {
                boolean paused = p.status().filter(t -> t == TrialStatus.PRUNED || t == TrialStatus.COMPLETED)
                        .isPresent();
                level = Math.max(level, paused ? passed(p.epochs()) : heading(p.epochs()));
            }
        }
        return Math.max(s.promotedTo(), level == 0 ? heading(0) : level);
    }

    /** The highest rung at or below {@code epochs} (the first rung if none: a ladder that changed). */
    private int passed(int epochs) {
        int passed = rungs.get(0);
        for (int r : rungs) {
            if (r <= epochs) {
                passed = r;
            }
        }
        return passed;
    }

    /** The lowest rung at or above {@code epochs} (the first rung for none). */
    private int heading(int epochs) {
        return rungs.stream().filter(r -> r >= epochs).findFirst().orElse(rungs.get(rungs.size() - 1));
    }

    /**
     * A configuration's objective as a loss (lower is better) after {@code rung} epochs, once each
     * of its trials has that many or has ended for good on its way there (early stopping: its
     * final best; failed or diverged: the worst). Empty while a trial is still short of the rung.
     */
    private Optional<Double> loss(Standing s, int rung) {
        double[] values = new double[s.progress().size()];
        for (int i = 0; i < values.length; i++) {
            Progress p = s.progress().get(i);
            if (p.epochs() >= rung) { // what it had at the rung stands, whatever happened after
                values[i] = p.bestUpTo()[rung - 1];
            } else if (p.terminal() && rung <= heading(Math.max(1, p.epochs()))) {
                values[i] = p.failed() || p.epochs() == 0 ? Double.NaN : p.bestUpTo()[p.epochs() - 1];
            } else {
                return Optional.empty();
            }
        }
        for (double v : values) {
            if (Double.isNaN(v)) { // only once every trial has a value: the answer must not depend on trial order
                return Optional.of(Double.POSITIVE_INFINITY);
            }
        }
        return Optional.of(objective.loss(values));
    }

    private static String format(double loss) {
        return String.format(Locale.ROOT, "%.4f", Math.abs(loss));
    }

    private static String ordinal(int n) {
        String suffix = n % 100 >= 11 && n % 100 <= 13 ? "th" : switch (n % 10) {
            case 1 -> "st";
            case 2 -> "nd";
            case 3 -> "rd";
            default -> "th";
        };
        return n + suffix;
    }
}
