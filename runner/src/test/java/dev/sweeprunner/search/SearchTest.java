package dev.sweeprunner.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sweeprunner.plan.Plan;
import dev.sweeprunner.plan.PlanOverrides;
import dev.sweeprunner.plan.Trial;
import dev.sweeprunner.spec.ExperimentSpec;
import dev.sweeprunner.spec.OptimizerKind;
import dev.sweeprunner.spec.SpecParser;
import dev.sweeprunner.spec.TrialField;
import dev.sweeprunner.spec.YamlReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.Test;

/** Random search and TPE suggestions: bounds, spacing, determinism (no training: objectives are functions here). */
class SearchTest {
    static final String SPACE = """
            defaults:
              lr: {loguniform: [1.0e-4, 1.0e-2]}
              dropout: {uniform: [0.0, 0.5]}
              batch_size: {choice: [32, 64, 128]}
              epochs: 2
            grid:
              - arch: fcn
                budget: {intlog: [10000, 1000000]}
                hidden_layers: {int: [1, 3]}
            """;

    static ExperimentSpec spec(String strategy, int trials, long seed, String rest) {
        String yaml = "name: s\nsearch:\n  strategy: " + strategy + "\n  trials: " + trials + "\n  seed: " + seed + "\n"
                + rest;
        return SpecParser.parse(Path.of("s.yaml"), YamlReader.parse("s.yaml", yaml));
    }

    @Test
    void randomDrawsStayInBoundsWithLogSpacingAndReachBothEnds() {
        Search search = new Search(spec("random", 1, 3, SPACE), PlanOverrides.NONE);
        int n = 4000;
        int lrBelowGeometricMiddle = 0;
        int budgetBelowGeometricMiddle = 0;
        double dropoutSum = 0;
        int[] batchCounts = new int[3];
        int[] depthCounts = new int[3];
        for (int k = 0; k < n; k++) {
            Map<TrialField, Object> v = search.random(k).values();
            double lr = (Double) v.get(TrialField.LR);
            long budget = (Long) v.get(TrialField.BUDGET);
            double dropout = (Double) v.get(TrialField.DROPOUT);
            long depth = (Long) v.get(TrialField.HIDDEN_LAYERS);
            assertTrue(lr >= 1e-4 && lr <= 1e-2, "lr " + lr);
            assertTrue(budget >= 10_000 && budget <= 1_000_000, "budget " + budget);
            assertTrue(dropout >= 0 && dropout <= 0.5, "dropout " + dropout);
            lrBelowGeometricMiddle += lr < 1e-3 ? 1 : 0;
            budgetBelowGeometricMiddle += budget < 100_000 ? 1 : 0;
            dropoutSum += dropout;
            batchCounts[List.of(32L, 64L, 128L).indexOf(v.get(TrialField.BATCH_SIZE))]++;
            depthCounts[(int) depth - 1]++;
        }
        // log spacing: half the draws below the geometric middle (a linear draw would put 9% there)
        assertEquals(0.5, lrBelowGeometricMiddle / (double) n, 0.03);
        assertEquals(0.5, budgetBelowGeometricMiddle / (double) n, 0.03);
        assertEquals(0.25, dropoutSum / n, 0.01);
        for (int i = 0; i < 3; i++) {
            assertEquals(1 / 3.0, batchCounts[i] / (double) n, 0.03, "each choice equally likely");
            assertEquals(1 / 3.0, depthCounts[i] / (double) n, 0.03, "both ends of int as likely as the middle");
        }
    }

    @Test
    void aRandomSearchIsAPureFunctionOfItsSeed() {
        List<String> a = ids(Search.plan(spec("random", 20, 5, SPACE), PlanOverrides.NONE));
        List<String> b = ids(Search.plan(spec("random", 20, 5, SPACE), PlanOverrides.NONE));
        List<String> longer = ids(Search.plan(spec("random", 30, 5, SPACE), PlanOverrides.NONE));
        List<String> otherSeed = ids(Search.plan(spec("random", 20, 6, SPACE), PlanOverrides.NONE));
        assertEquals(20, a.size());
        assertEquals(a, b);
        assertEquals(a, longer.subList(0, 20), "more trials extend the search; the first ones stay");
        assertNotEquals(a, otherSeed);
    }

    @Test
    void everyConfigurationRunsForEveryListedSeed() {
        Plan plan = Search.plan(spec("random", 4, 1, SPACE.replace("epochs: 2", "epochs: 2\n  seed: [1, 2, 3]")),
                PlanOverrides.NONE);
        assertEquals(12, plan.trials().size());
        for (int c = 0; c < 4; c++) {
            List<Trial> replicates = plan.trials().subList(3 * c, 3 * c + 3);
            assertEquals(List.of(1L, 2L, 3L), replicates.stream().map(t -> t.config().seed()).toList());
            assertEquals(1, replicates.stream().map(t -> t.config().lr()).distinct().count(), "one configuration");
        }
    }

    @Test
    void aPlainListIsSearchedAsAChoiceAndAFieldThatDoesNotApplyIsDropped() {
        Plan plan = Search.plan(spec("random", 40, 2, """
                defaults:
                  optimizer: [adam, sgd]
                  momentum: {uniform: [0.5, 0.9]}
                grid:
                  - arch: fcn
                    budget: 50000
                """), PlanOverrides.NONE);
        for (Trial t : plan.trials()) {
            assertEquals(t.config().optimizer() == OptimizerKind.SGD, t.config().momentum() != null);
        }
        assertEquals(2, plan.trials().stream().map(t -> t.config().optimizer()).distinct().count());
    }

    @Test
    void aTpePlanListsItsStartupTrials() {
        Plan plan = Search.plan(spec("tpe", 30, 1, "  n_startup: 4\n" + SPACE), PlanOverrides.NONE);
        assertEquals(4, plan.trials().size());
        assertEquals(ids(Search.plan(spec("random", 4, 1, SPACE), PlanOverrides.NONE)), ids(plan),
                "the start-up trials are the random search's first ones");
    }

    @Test
    void tpeSuggestionsAreAPureFunctionOfSeedAndRecords() {
        ExperimentSpec spec = spec("tpe", 30, 4, "  n_startup: 5\n" + SPACE);
        ToDoubleFunction<Suggestion> loss = s -> Math.abs(Math.log10((Double) s.values().get(TrialField.LR)) + 3);
        List<Suggestion> a = drive(new Search(spec, PlanOverrides.NONE), 30, loss);
        List<Suggestion> b = drive(new Search(spec, PlanOverrides.NONE), 30, loss);
        assertEquals(a, b);
        List<Suggestion> otherSeed = drive(new Search(spec("tpe", 30, 5, "  n_startup: 5\n" + SPACE),
                PlanOverrides.NONE), 30, loss);
        assertNotEquals(a, otherSeed);
    }

    /** Sequential TPE on a synthetic loss: suggestion k sees the losses of 0..k-1. */
    static List<Suggestion> drive(Search search, int n, ToDoubleFunction<Suggestion> loss) {
        List<Search.Scored> finished = new ArrayList<>();
        List<Suggestion> all = new ArrayList<>();
        for (int k = 0; k < n; k++) {
            Suggestion s = search.next(k, finished, List.of());
            all.add(s);
            finished.add(new Search.Scored(s, loss.applyAsDouble(s)));
        }
        return all;
    }

    static List<String> ids(Plan plan) {
        return plan.trials().stream().map(Trial::id).toList();
    }
}
