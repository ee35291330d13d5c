package dev.sweeprunner.report;

import dev.sweeprunner.records.EpochRecord;
import dev.sweeprunner.records.Provenance;
import dev.sweeprunner.records.TrialRecord;
import dev.sweeprunner.records.TrialStatus;
import dev.sweeprunner.spec.Monitor;
import dev.sweeprunner.spec.SearchSpec;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * How a search went, from its trial records alone: its configurations in the order the search
 * proposed them (plan order; a configuration's seeds and folds are consecutive), each one's
 * objective, the best objective so far, the training time spent up to it, and where each
 * configuration stopped (epochs, status), which for an ASHA search says which rung pruned it.
 *
 * @param strategy the experiment's {@code search.strategy} ({@code grid} when the experiment file
 *     could not be read and the search shows only because trials were pruned)
 * @param varying the settings whose values differ between configurations, in config order
 */
public record SearchProgress(SearchSpec.Strategy strategy, SearchSpec.Objective objective, List<String> varying,
        List<Configuration> configurations, List<Rung> rungs) {

    /**
     * One configuration: its trials (one per seed and fold), its objective (their best validation
     * metric over their epochs, averaged, the rule the search itself uses), and the running totals.
     *
     * @param number 1 for the first configuration the search proposed
     * @param objective NaN while a trial is still to run, or when a trial has no finite value
     * @param bestSoFar the best objective of configurations 1 … number that ran to the end; NaN before the first
     * @param cumulativeCpuS estimated: training time × the trial's intra-op threads (see {@link #cpuSeconds})
     * @param epochs the epochs every one of its trials reached
     */
    public record Configuration(int number, Map<String, Object> settings, List<TrialSummary> trials,
            double objective, double bestSoFar, double trainingTimeS, double cumulativeTimeS, double cumulativeCpuS,
            int epochs, TrialStatus status) {
        public Configuration {
            settings = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(settings));
            trials = List.copyOf(trials);
        }

        public TrialRecord first() {
            return trials.get(0).trial();
        }

        /** Whether it can be the search's choice: every trial ran all its epochs and has a value. */
        public boolean finished() {
            return status == TrialStatus.COMPLETED && !Double.isNaN(objective);
        }

        public Stats stats(Metric metric) {
            return Stats.of(trials.stream().map(t -> t.value(metric)).toList());
        }

        public String setting(String key) {
            Object value = settings.get(key);
            return value == null ? "" : String.valueOf(value);
        }
    }

    /**
     * An epoch count at which configurations stopped: how many configurations trained at least that
     * far, how many went on past it, how many ended there pruned or completed, and which (numbers).
     */
    public record Rung(int epochs, int reached, int continued, int pruned, int completed, List<Integer> ended) {
        public Rung {
            ended = List.copyOf(ended);
        }
    }

    /**
     * A configuration's status when its trials differ, most in need of attention first: one seed
     * still running or failed says more than the others' completion.
     */
    private static final List<TrialStatus> STATUS_PRIORITY = List.of(TrialStatus.RUNNING, TrialStatus.INTERRUPTED,
            TrialStatus.FAILED, TrialStatus.DIVERGED, TrialStatus.PRUNED, TrialStatus.COMPLETED);

    public SearchProgress {
        varying = List.copyOf(varying);
        configurations = List.copyOf(configurations);
        rungs = List.copyOf(rungs);
    }

    /** Whether an ASHA scheduler stopped any configuration (then the rungs are worth a table). */
    public boolean pruned() {
        return configurations.stream().anyMatch(c -> c.trials().stream()
                .anyMatch(t -> t.trial().status() == TrialStatus.PRUNED));
    }

    /** The configuration with the best objective among those that ran to the end; the earliest on a tie. */
    public Optional<Configuration> chosen() {
        Configuration best = null;
        for (Configuration c : configurations) {
            if (c.finished() && (best == null || better(c.objective(), best.objective()))) {
                best = c;
            }
        }
        return Optional.ofNullable(best);
    }

    private boolean better(double candidate, double reference) {
        return objective.maximize() ? candidate > reference : candidate < reference;
    }

    /**
     * The search of an experiment: present when the experiment's {@code search:} block draws
     * configurations (random or TPE), or when any trial was pruned (an ASHA scheduler ran, whatever
     * the strategy); empty for a plain grid, whose report has no search to show.
     *
     * @param search the experiment's search block, empty when its file is missing or unreadable
     * @param trials every trial, in plan order
     */
    public static Optional<SearchProgress> of(Optional<SearchSpec> search, List<TrialSummary> trials) {
        boolean anyPruned = trials.stream().anyMatch(t -> t.trial().status() == TrialStatus.PRUNED);
        if (trials.isEmpty() || !(anyPruned || search.map(SearchSpec::searches).orElse(false))) {
            return Optional.empty();
        }
        SearchSpec.Strategy strategy = search.map(SearchSpec::strategy).orElse(SearchSpec.Strategy.GRID);
        SearchSpec.Objective objective = search.map(SearchSpec::objective).orElse(SearchSpec.Objective.DEFAULT);
        Map<Map<String, Object>, List<TrialSummary>> byConfiguration = new LinkedHashMap<>();
        trials.stream().sorted(Comparator.comparingInt((TrialSummary t) -> t.trial().planIndex())
                .thenComparing(t -> t.trial().trialId()))
                .forEach(t -> byConfiguration.computeIfAbsent(settings(t.trial()), k -> new ArrayList<>()).add(t));
        List<Configuration> configurations = new ArrayList<>();
        double bestSoFar = Double.NaN;
        double time = 0;
        double cpu = 0;
        int number = 0;
        for (Map.Entry<Map<String, Object>, List<TrialSummary>> entry : byConfiguration.entrySet()) {
            List<TrialSummary> members = entry.getValue();
            double value = objectiveValue(members, objective);
            TrialStatus status = status(members);
            double own = members.stream().mapToDouble(t -> t.trial().trainingTimeS()).sum();
            time += own;
            cpu += members.stream().mapToDouble(t -> cpuSeconds(t.trial())).sum();
            if (status == TrialStatus.COMPLETED && !Double.isNaN(value)
                    && (Double.isNaN(bestSoFar) || (objective.maximize() ? value > bestSoFar : value < bestSoFar))) {
                bestSoFar = value;
            }
            int epochs = members.stream().mapToInt(t -> t.trial().epochsCompleted()).min().orElse(0);
            configurations.add(new Configuration(++number, entry.getKey(), members, value, bestSoFar, own, time, cpu,
                    epochs, status));
        }
        return Optional.of(new SearchProgress(strategy, objective, varying(configurations), configurations,
                rungs(configurations)));
    }

    /**
     * Estimated CPU seconds of a trial: its training wall time × its intra-op threads, an upper
     * bound (the threads are not busy all the time; data loading and evaluation are counted as
     * training time too). No processor-time counter is recorded per trial, so this is the estimate
     * the records allow. A trial that never started (no provenance) used none; one that trained
     * without provenance has no estimate (NaN).
     */
    public static double cpuSeconds(TrialRecord trial) {
        Provenance provenance = trial.provenance();
        if (provenance == null) {
            return trial.trainingTimeS() == 0 ? 0 : Double.NaN;
        }
        return trial.trainingTimeS() * Math.max(1, provenance.intraOpThreads());
    }

    /** The config without seed and fold: what one configuration's trials share. */
    private static Map<String, Object> settings(TrialRecord trial) {
        Map<String, Object> settings = new LinkedHashMap<>(trial.config()); // trial.json's order, for the tables
        Group.MEMBER_KEYS.forEach(settings::remove);
        return settings;
    }

    /**
     * The mean over a configuration's trials of each one's best validation metric over its epochs
     * (minus k std with the objective's std_penalty), as Search.loss computes it to steer the search; NaN while any trial is still to run (running,
     * interrupted) or has no finite value (failed before an epoch, diverged at once).
     */
    static double objectiveValue(List<TrialSummary> trials, SearchSpec.Objective objective) {
        if (trials.isEmpty()) {
            return Double.NaN;
        }
        double[] values = new double[trials.size()];
        for (int i = 0; i < values.length; i++) {
            TrialSummary t = trials.get(i);
            if (t.trial().status().resumable()) {
                return Double.NaN;
            }
            OptionalDouble best = best(t.result().epochs(), objective);
            if (best.isEmpty()) {
                return Double.NaN;
            }
            values[i] = best.getAsDouble();
        }
        double loss = objective.loss(values); // the mean, or mean -/+ k std with std_penalty
        return objective.maximize() ? -loss : loss;
    }

    private static OptionalDouble best(List<EpochRecord> epochs, SearchSpec.Objective objective) {
        var values = epochs.stream()
                .mapToDouble(e -> objective.metric() == Monitor.VAL_ACC ? e.valAcc() : e.valLoss())
                .filter(Double::isFinite);
        return objective.maximize() ? values.max() : values.min();
    }

    private static TrialStatus status(List<TrialSummary> trials) {
        return STATUS_PRIORITY.stream()
                .filter(s -> trials.stream().anyMatch(t -> t.trial().status() == s)).findFirst()
                .orElse(trials.get(0).trial().status()); // a status added later: shown as it is, never a crash
    }

    /** Settings with more than one value over the configurations (absent counts as a value: momentum for Adam). */
    private static List<String> varying(List<Configuration> configurations) {
        LinkedHashSet<String> keys = new LinkedHashSet<>();
        configurations.forEach(c -> keys.addAll(c.settings().keySet()));
        return keys.stream()
                .filter(k -> configurations.stream().map(c -> c.setting(k)).distinct().count() > 1).toList();
    }

    /**
     * The epoch counts at which configurations ended (pruned at a rung, or completed), ascending.
     * Read from the records alone, so a rung at which no configuration stopped is not listed: every
     * configuration that reached it went on.
     */
    private static List<Rung> rungs(List<Configuration> configurations) {
        List<Integer> levels = configurations.stream()
                .filter(c -> c.status() == TrialStatus.PRUNED || c.status() == TrialStatus.COMPLETED)
                .map(Configuration::epochs).distinct().sorted().toList();
        List<Rung> rungs = new ArrayList<>();
        for (int epochs : levels) {
            rungs.add(new Rung(epochs,
                    (int) configurations.stream().filter(c -> c.epochs() >= epochs).count(),
                    (int) configurations.stream().filter(c -> c.epochs() > epochs).count(),
                    (int) configurations.stream()
                            .filter(c -> c.epochs() == epochs && c.status() == TrialStatus.PRUNED).count(),
                    (int) configurations.stream()
                            .filter(c -> c.epochs() == epochs && c.status() == TrialStatus.COMPLETED).count(),
                    configurations.stream().filter(c -> c.epochs() == epochs && (c.status() == TrialStatus.PRUNED
                            || c.status() == TrialStatus.COMPLETED)).map(Configuration::number).toList()));
        }
        return rungs;
    }
}
