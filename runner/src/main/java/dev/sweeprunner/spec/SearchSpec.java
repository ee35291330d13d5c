package dev.sweeprunner.spec;

import java.util.Set;

/**
 * The experiment's {@code search:} block. {@code grid} (the default, and what a file without the
 * block means) runs every combination; {@code random} draws {@code trials} configurations from the
 * distributions; {@code tpe} draws {@code n_startup} of them at random and then proposes each next
 * one from the results so far (see the search package).
 */
public record SearchSpec(Strategy strategy, int trials, long seed, Objective objective, double gamma, int nStartup,
        int nCandidates, SourceLocation location) {

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
    public record Objective(Monitor metric, boolean maximize) {
        /** Best validation accuracy, as Optuna's and Ray Tune's examples on image classifiers use. */
        public static final Objective DEFAULT = new Objective(Monitor.VAL_ACC, true);

        public String describe() {
            return (maximize ? "max " : "min ") + metric.yamlName();
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
            "n_candidates");
    private static final Set<String> OBJECTIVE_KEYS = Set.of("metric", "mode");

    public static SearchSpec grid(SourceLocation location) {
        return new SearchSpec(Strategy.GRID, 0, DEFAULT_SEED, Objective.DEFAULT, DEFAULT_GAMMA, DEFAULT_N_STARTUP,
                DEFAULT_N_CANDIDATES, location);
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
        if (strategy == Strategy.GRID) {
            for (String key : KEYS) {
                if (!key.equals("strategy") && map.entries().containsKey(key)) {
                    throw SpecError.at(map.entries().get(key).keyLocation(), "search." + key,
                            "only used with strategy random or tpe (a grid runs every combination)");
                }
            }
            return grid(map.location());
        }
        if (!map.entries().containsKey("trials")) {
            throw SpecError.at(map.location(), "search.trials", "required with strategy " + strategy.yamlName()
                    + ": how many configurations to try");
        }
        int trials = (int) (long) (Long) number(map, "trials", ValueParser.integer(1, MAX_TRIALS), null);
        long seed = (Long) number(map, "seed", ValueParser.integer(0, Long.MAX_VALUE), DEFAULT_SEED);
        Objective objective = map.entries().containsKey("objective")
                ? objective(map.entries().get("objective").value()) : Objective.DEFAULT;
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
        return new SearchSpec(strategy, trials, seed, objective, gamma, nStartup, nCandidates, map.location());
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
        return new Objective(metric, maximize);
    }

    private static Object number(YamlNode.Map map, String key, ValueParser parser, Object defaultValue) {
        YamlNode.Entry entry = map.entries().get(key);
        return entry == null ? defaultValue : SpecParser.scalar(entry.value(), "search." + key, parser);
    }
}
