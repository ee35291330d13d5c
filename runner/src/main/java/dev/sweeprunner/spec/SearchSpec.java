package dev.sweeprunner.spec;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The experiment's {@code search:} block. {@code grid} (the default, and what a file without the
 * block means) runs every combination; {@code random} draws {@code trials} configurations from the
 * distributions; {@code tpe} draws {@code n_startup} of them at random and then proposes each next
 * one from the results so far (see the search package).
 */
public record SearchSpec(Strategy strategy, int trials, long seed, Objective objective, double gamma, int nStartup,
        int nCandidates, Optional<Asha> asha, SourceLocation location) {

    /** grid | random | tpe */
    public enum Strategy implements Choice {
        GRID,
        RANDOM,
        TPE
    }

    /**
     * What a search maximises or minimises: a configuration's best validation metric over its
     * epochs, averaged over its seeds and folds. Only validation metrics: the test set never steers.
     */
    public record Objective(Monitor metric, boolean maximize, double stdPenalty) {
        /** Best validation accuracy, as Optuna's and Ray Tune's examples on image classifiers use. */
        public static final Objective DEFAULT = new Objective(Monitor.VAL_ACC, true, 0);

        public Objective(Monitor metric, boolean maximize) {
            this(metric, maximize, 0);
        }

        public String describe() {
            return (maximize ? "max " : "min ") + metric.yamlName()
                    + (stdPenalty > 0 ? (maximize ? " mean - " : " mean + ") + stdPenalty + " std over seeds" : "");
        }

        /**
         * The objective of a configuration from its trials' values (one per seed or fold) as a loss:
         * lower is better. With {@code std_penalty: k}, mean - k*std (maximised) or mean + k*std
         * (minimised), std the sample standard deviation over the values (0 for one value): a
         * configuration that is good on one seed only ranks below one that is good on all.
         */
        public double loss(double[] values) {
            double mean = 0;
            for (double v : values) {
                mean += v;
            }
            mean /= values.length;
            double squares = 0;
            for (double v : values) {
                squares += (v - mean) * (v - mean);
            }
            double std = values.length > 1 ? Math.sqrt(squares / (values.length - 1)) : 0;
            double score = maximize ? mean - stdPenalty * std : mean + stdPenalty * std;
            return maximize ? -score : score;
        }
    }

    /**
     * Asynchronous successive halving (Li et al. 2020, "A System for Massively Parallel
     * Hyperparameter Tuning") over epochs: rungs at min_epochs * reduction^k below max_epochs, and
     * max_epochs itself. A configuration that reaches a rung continues to the next only while it
     * is in the top 1/reduction of the configurations that reached that rung.
     */
    public record Asha(int minEpochs, int reduction, int maxEpochs, SourceLocation location) {
        /** Hyperband's and Ray Tune's ASHAScheduler's default reduction factor (eta). */
        public static final int DEFAULT_REDUCTION = 3;
        /** The first rung after one epoch, as Ray Tune's grace_period default. */
        public static final int DEFAULT_MIN_EPOCHS = 1;

        /** Epoch counts at which configurations are compared, ascending; the last is max_epochs. */
        public List<Integer> rungs() {
            List<Integer> rungs = new ArrayList<>();
            for (long r = minEpochs; r < maxEpochs; r *= reduction) {
                rungs.add((int) r);
            }
            rungs.add(maxEpochs);
            return List.copyOf(rungs);
        }

        /** The same ladder up to {@code epochs} (a command line's --epochs replaces max_epochs). */
        public Asha withMaxEpochs(int epochs) {
            return new Asha(Math.min(minEpochs, epochs), reduction, epochs, location);
        }

        public String describe() {
            return "ASHA over epochs: rungs at " + rungs().stream().map(String::valueOf)
                    .reduce((a, b) -> a + ", " + b).orElse("") + " epochs; the top 1/" + reduction
                    + " of the configurations at a rung continue";
        }
    }

    /** Quantile of completed configurations that count as good: 0.25, Hyperopt's and Optuna's paper default. */
    public static final double DEFAULT_GAMMA = 0.25;
    /** Random configurations before TPE takes over: 10, Optuna's TPESampler default. */
    public static final int DEFAULT_N_STARTUP = 10;
    /** Draws from l(x) ranked by l(x)/g(x) per suggestion: 24, Optuna's and Hyperopt's default. */
    public static final int DEFAULT_N_CANDIDATES = 24;
    /** The seed of a search that does not name one, so that two runs of one file agree. */
    public static final long DEFAULT_SEED = 0;
    /** More would be a typo: every trial is planned or tracked in memory. */
    private static final int MAX_TRIALS = 100_000;

    private static final Set<String> KEYS = Set.of("strategy", "trials", "seed", "objective", "gamma", "n_startup",
            "n_candidates", "scheduler");
    /** What a grid may set too: a grid's configurations can be stopped early by ASHA as well. */
    private static final Set<String> GRID_KEYS = Set.of("strategy", "objective", "scheduler");
    private static final Set<String> OBJECTIVE_KEYS = Set.of("metric", "mode", "std_penalty");
    private static final Set<String> SCHEDULER_KEYS = Set.of("asha");
    private static final Set<String> ASHA_KEYS = Set.of("min_epochs", "reduction", "max_epochs");

    public static SearchSpec grid(SourceLocation location) {
        return new SearchSpec(Strategy.GRID, 0, DEFAULT_SEED, Objective.DEFAULT, DEFAULT_GAMMA, DEFAULT_N_STARTUP,
                DEFAULT_N_CANDIDATES, Optional.empty(), location);
    }

    /** The ladder with --epochs as its top (e.g. a quick look at an ASHA search), or as written. */
    public SearchSpec withMaxEpochs(Integer epochs) {
        return epochs == null || asha.isEmpty() ? this : new SearchSpec(strategy, trials, seed, objective, gamma,
                nStartup, nCandidates, asha.map(a -> a.withMaxEpochs(epochs)), location);
    }

    public boolean searches() {
        return strategy != Strategy.GRID;
    }

    /** Random configurations drawn first: all of them for random search, n_startup (at most trials) for TPE. */
    public int startupTrials() {
        return strategy == Strategy.TPE ? Math.min(nStartup, trials) : trials;
    }

    static SearchSpec parse(YamlNode node) {
        if (!(node instanceof YamlNode.Map map)) {
            throw SpecError.at(node.location(), "search", "expected a map (key: value lines), got " + node.kind());
        }
        SpecParser.checkKeys(map, KEYS, "search");
        Strategy strategy = map.entries().containsKey("strategy")
                ? (Strategy) SpecParser.scalar(map.entries().get("strategy").value(), "search.strategy",
                        ValueParser.choice(Strategy.class))
                : Strategy.GRID;
        Objective objective = map.entries().containsKey("objective")
                ? objective(map.entries().get("objective").value()) : Objective.DEFAULT;
        Optional<Asha> asha = map.entries().containsKey("scheduler")
                ? Optional.of(scheduler(map.entries().get("scheduler").value())) : Optional.empty();
        if (strategy == Strategy.GRID) {
            for (String key : KEYS) {
                if (!GRID_KEYS.contains(key) && map.entries().containsKey(key)) {
                    throw SpecError.at(map.entries().get(key).keyLocation(), "search." + key,
                            "only used with strategy random or tpe (a grid runs every combination)");
                }
            }
            return new SearchSpec(Strategy.GRID, 0, DEFAULT_SEED, objective, DEFAULT_GAMMA, DEFAULT_N_STARTUP,
                    DEFAULT_N_CANDIDATES, asha, map.location());
        }
        if (!map.entries().containsKey("trials")) {
            throw SpecError.at(map.location(), "search.trials", "required with strategy " + strategy.yamlName()
                    + ": how many configurations to try");
        }
        int trials = (int) (long) (Long) number(map, "trials", ValueParser.integer(1, MAX_TRIALS), null);
        long seed = (Long) number(map, "seed", ValueParser.integer(0, Long.MAX_VALUE), DEFAULT_SEED);
        if (strategy == Strategy.RANDOM) {
            for (String key : Set.of("gamma", "n_startup", "n_candidates")) {
                if (map.entries().containsKey(key)) {
                    throw SpecError.at(map.entries().get(key).keyLocation(), "search." + key, "only used with strategy tpe");
                }
            }
        }
        double gamma = (Double) number(map, "gamma", ValueParser.real(0, false, 1, false), DEFAULT_GAMMA);
        int nStartup = (int) (long) (Long) number(map, "n_startup", ValueParser.integer(1, MAX_TRIALS),
                (long) DEFAULT_N_STARTUP);
        int nCandidates = (int) (long) (Long) number(map, "n_candidates", ValueParser.integer(1, 10_000),
                (long) DEFAULT_N_CANDIDATES);
        return new SearchSpec(strategy, trials, seed, objective, gamma, nStartup, nCandidates, asha, map.location());
    }

    private static Asha scheduler(YamlNode node) {
        if (!(node instanceof YamlNode.Map map)) {
            throw SpecError.at(node.location(), "search.scheduler", "expected {asha: {min_epochs: 1, reduction: 3, "
                    + "max_epochs: 27}}, got " + node.kind());
        }
        SpecParser.checkKeys(map, SCHEDULER_KEYS, "search.scheduler");
        YamlNode.Entry entry = map.entries().get("asha");
        if (entry == null) {
            throw SpecError.at(map.location(), "search.scheduler", "expected asha: {min_epochs, reduction, max_epochs}");
        }
        if (!(entry.value() instanceof YamlNode.Map asha)) {
            throw SpecError.at(entry.value().location(), "search.scheduler.asha",
                    "expected {min_epochs: 1, reduction: 3, max_epochs: 27}, got " + entry.value().kind());
        }
        SpecParser.checkKeys(asha, ASHA_KEYS, "search.scheduler.asha");
        if (!asha.entries().containsKey("max_epochs")) {
            throw SpecError.at(asha.location(), "search.scheduler.asha.max_epochs",
                    "required: the epochs of a configuration that is never stopped (it replaces epochs:)");
        }
        int max = (int) (long) (Long) ashaNumber(asha, "max_epochs", ValueParser.integer(1, 10_000), null);
        int min = (int) (long) (Long) ashaNumber(asha, "min_epochs", ValueParser.integer(1, 10_000),
                (long) Asha.DEFAULT_MIN_EPOCHS);
        int reduction = (int) (long) (Long) ashaNumber(asha, "reduction", ValueParser.integer(2, 100),
                (long) Asha.DEFAULT_REDUCTION);
        if (min > max) {
            throw SpecError.at(asha.entries().get("min_epochs").value().location(), "search.scheduler.asha.min_epochs",
                    "must be at most max_epochs (" + max + "), got " + min);
        }
        return new Asha(min, reduction, max, entry.value().location());
    }

    private static Object ashaNumber(YamlNode.Map map, String key, ValueParser parser, Object defaultValue) {
        YamlNode.Entry entry = map.entries().get(key);
        return entry == null ? defaultValue : SpecParser.scalar(entry.value(), "search.scheduler.asha." + key, parser);
    }

    private static Objective objective(YamlNode node) {
        if (!(node instanceof YamlNode.Map map)) {
            throw SpecError.at(node.location(), "search.objective", "expected {metric: val_acc, mode: max}, got "
                    + node.kind());
        }
        SpecParser.checkKeys(map, OBJECTIVE_KEYS, "search.objective");
        YamlNode.Entry metricEntry = map.entries().get("metric");
        Monitor metric = Objective.DEFAULT.metric();
        if (metricEntry != null) {
            if (metricEntry.value() instanceof YamlNode.Scalar s && s.value() instanceof String text
                    && text.startsWith("test")) {
                throw SpecError.at(s.location(), "search.objective.metric",
                        "the test set never steers a search (it would no longer be a clean test); use val_acc or val_loss");
            }
            metric = (Monitor) SpecParser.scalar(metricEntry.value(), "search.objective.metric",
                    ValueParser.choice(Monitor.class));
        }
        boolean maximize = metric == Monitor.VAL_ACC;
        YamlNode.Entry modeEntry = map.entries().get("mode");
        if (modeEntry != null) {
            Object mode = SpecParser.scalar(modeEntry.value(), "search.objective.mode", ValueParser.text());
            if (!mode.equals("max") && !mode.equals("min")) {
                throw SpecError.at(modeEntry.value().location(), "search.objective.mode",
                        "expected max or min, got '" + mode + "'");
            }
            maximize = mode.equals("max");
        }
        YamlNode.Entry penalty = map.entries().get("std_penalty");
        double k = penalty == null ? 0
                : (Double) SpecParser.scalar(penalty.value(), "search.objective.std_penalty", ValueParser.real(0, true, 100, true));
        return new Objective(metric, maximize, k);
    }

    private static Object number(YamlNode.Map map, String key, ValueParser parser, Object defaultValue) {
        YamlNode.Entry entry = map.entries().get(key);
        return entry == null ? defaultValue : SpecParser.scalar(entry.value(), "search." + key, parser);
    }
}
