package dev.sweeprunner.search;

import dev.sweeprunner.plan.Plan;
import dev.sweeprunner.plan.PlanOverrides;
import dev.sweeprunner.plan.Planner;
import dev.sweeprunner.plan.Trial;
import dev.sweeprunner.records.EpochRecord;
import dev.sweeprunner.records.TrialRecord;
import dev.sweeprunner.records.TrialStatus;
import dev.sweeprunner.records.TrialStore;
import dev.sweeprunner.spec.ConfigHash;
import dev.sweeprunner.spec.ExperimentSpec;
import dev.sweeprunner.spec.Monitor;
import dev.sweeprunner.spec.SearchSpec;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.SplittableRandom;

/**
 * Suggests configurations for an experiment's {@code search:} block and turns them into ordinary
 * trials. A random suggestion is a pure function of (search seed, configuration number); a TPE
 * suggestion of those and the finished configurations' objectives in configuration order. So a
 * search that is killed and started again proposes the same configurations, whose trials have the
 * same ids, and the records written so far are simply resumed.
 */
public final class Search {
    /** A finished configuration and its objective as a loss (lower is better). */
    public record Scored(Suggestion suggestion, double loss) {}

    private final ExperimentSpec spec;
    private final SearchSpec settings;
    private final Space space;
    private final Planner.Builder builder;

    public Search(ExperimentSpec spec, PlanOverrides overrides) {
        if (!spec.search().searches()) {
            throw new IllegalArgumentException("a grid is planned by Planner.plan");
        }
        this.spec = spec;
        this.settings = spec.search();
        this.space = new Space(spec);
        this.builder = new Planner.Builder(spec, overrides);
    }

    /**
     * The trials to run first, in order: a grid's all, a random search's all, a TPE search's
     * start-up ones (the others depend on their results). Every network a search could draw is
     * sized first, at the ends of the ranges that shape it, so that a budget too small for a depth
     * is an error now, naming the distribution, not a stop in the middle of a search.
     */
    public static Plan plan(ExperimentSpec spec, PlanOverrides overrides) {
        if (!spec.search().searches()) {
            return Planner.plan(spec, overrides);
        }
        Search search = new Search(spec, overrides);
        search.space.corners().forEach(new Planner.Builder(spec, overrides)::add);
        for (int number = 0; number < spec.search().startupTrials(); number++) {
            search.trials(search.random(number));
        }
        return search.plan();
    }

    public SearchSpec settings() {
        return settings;
    }

    public ExperimentSpec spec() {
        return spec;
    }

    /** The trials planned so far (every suggestion passed to {@link #trials}), in order. */
    public Plan plan() {
        return builder.build();
    }

    /** Configuration {@code number} drawn from the priors. */
    public Suggestion random(int number) {
        return space.decode(number, Tpe.samplePrior(space.params(), random(settings.seed(), number)));
    }

    /**
     * Configuration {@code number}: random while fewer than n_startup configurations came before,
     * then TPE over {@code finished} (in configuration order) with {@code pending} as bad ones.
     */
    public Suggestion next(int number, List<Scored> finished, List<Suggestion> pending) {
        if (number < settings.nStartup()) {
            return random(number);
        }
        List<Tpe.Observation> observations = finished.stream()
                .map(s -> new Tpe.Observation(space.encode(s.suggestion()), s.loss())).toList();
        List<double[]> liars = pending.stream().map(space::encode).toList();
        double[] x = Tpe.suggest(space.params(), observations, liars,
                new Tpe.Settings(settings.gamma(), settings.nCandidates()), random(settings.seed(), number));
        return space.decode(number, x);
    }

    /** The configuration's trials (one per seed and fold); a configuration met before maps to its trials. */
    public List<Trial> trials(Suggestion suggestion) {
        LinkedHashSet<Trial> trials = new LinkedHashSet<>();
        space.combinations(suggestion).forEach(c -> trials.addAll(builder.add(c)));
        return List.copyOf(trials);
    }

    /**
     * The configuration's objective as a loss: its trials' best validation metric, averaged over
     * seeds and folds (minus k std with std_penalty), negated when maximised. Empty while any of its trials is unfinished. A
     * trial that diverged or failed without a finite value counts as the worst (+infinity).
     */
    public Optional<Double> loss(List<Trial> trials, TrialStore store) {
        double[] values = new double[trials.size()];
        for (int i = 0; i < values.length; i++) {
            Trial trial = trials.get(i);
            Optional<TrialRecord> record = store.read(trial.id()).filter(r -> r.configHash().equals(trial.configHash()));
            if (record.isEmpty() || !finished(record.get().status())) {
                return Optional.empty();
            }
            OptionalDouble best = best(store.readEpochs(trial.id()), settings.objective());
            if (best.isEmpty()) {
                return Optional.of(Double.POSITIVE_INFINITY);
            }
            values[i] = best.getAsDouble();
        }
        return Optional.of(settings.objective().loss(values));
    }

    /** Completed, diverged and failed trials have their final result; running and interrupted ones not yet. */
    static boolean finished(TrialStatus status) {
        return status == TrialStatus.COMPLETED || status == TrialStatus.DIVERGED || status == TrialStatus.FAILED;
    }

    private static OptionalDouble best(List<EpochRecord> epochs, SearchSpec.Objective objective) {
        var values = epochs.stream().mapToDouble(e -> objective.metric() == Monitor.VAL_ACC ? e.valAcc() : e.valLoss())
                .filter(Double::isFinite);
        return objective.maximize() ? values.max() : values.min();
    }

    /** Configuration {@code number}'s own random stream: independent of every other number and seed. */
    static SplittableRandom random(long seed, int number) {
        String hex = ConfigHash.sha256Hex("search " + seed + " " + number);
        return new SplittableRandom(Long.parseUnsignedLong(hex.substring(0, 16), 16));
    }

    /** For messages: what kind of search this is. */
    public String describe() {
        return settings.strategy().yamlName() + " search of " + settings.trials() + " configurations (seed "
                + settings.seed() + ", objective " + settings.objective().describe() + ")";
    }

    static List<Scored> scored(List<Suggestion> suggestions, List<Double> losses) {
        List<Scored> scored = new ArrayList<>();
        for (int i = 0; i < suggestions.size(); i++) {
            scored.add(new Scored(suggestions.get(i), losses.get(i)));
        }
        return scored;
    }
}
