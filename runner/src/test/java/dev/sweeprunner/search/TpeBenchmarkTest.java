package dev.sweeprunner.search;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sweeprunner.plan.PlanOverrides;
import dev.sweeprunner.spec.TrialField;
import java.util.Arrays;
import java.util.List;
import java.util.function.ToDoubleFunction;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * TPE against random search at equal trial counts (50), over 30 seeds (not one lucky run), on
 * synthetic objectives shaped like a training run's. No training: the objective is a function.
 * The medians of the best loss found are printed; docs/search.md quotes them.
 */
class TpeBenchmarkTest {
    private static final int SEEDS = 30;
    private static final int TRIALS = 50;
    private static final String SPACE = """
              n_startup: 10
            defaults:
              lr: {loguniform: [1.0e-5, 1.0e-1]}
              dropout: {uniform: [0.0, 0.5]}
              batch_size: {choice: [32, 64, 128, 256]}
            grid:
              - arch: fcn
                budget: {intlog: [10000, 1000000]}
            """;

    private static double logLr(Suggestion s) {
        return Math.log10((Double) s.values().get(TrialField.LR));
    }

    private static double dropout(Suggestion s) {
        return (Double) s.values().get(TrialField.DROPOUT);
    }

    /** 0 at lr 10^-2.7 (2e-3), dropout 0.1 and budget 10^5; batch size does not matter. */
    static double quadratic(Suggestion s) {
        double logBudget = Math.log10((Long) s.values().get(TrialField.BUDGET));
        return Math.pow(logLr(s) + 2.7, 2) + 8 * Math.pow(dropout(s) - 0.1, 2) + 0.5 * Math.pow(logBudget - 5, 2);
    }

    /** The same in lr and dropout, plus 0.5 for any batch size but 128: a bonus hidden behind the others. */
    static double withCategoricalBonus(Suggestion s) {
        double batchPenalty = (Long) s.values().get(TrialField.BATCH_SIZE) == 128 ? 0 : 0.5;
        return Math.pow(logLr(s) + 2.7, 2) + 8 * Math.pow(dropout(s) - 0.1, 2) + batchPenalty;
    }

    static Stream<Arguments> objectives() {
        return Stream.of(
                Arguments.of("shifted quadratic in log lr, dropout, log budget",
                        (ToDoubleFunction<Suggestion>) TpeBenchmarkTest::quadratic),
                Arguments.of("quadratic in log lr and dropout plus a batch-size bonus",
                        (ToDoubleFunction<Suggestion>) TpeBenchmarkTest::withCategoricalBonus));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("objectives")
    void tpeFindsBetterConfigurationsThanRandomSearch(String name, ToDoubleFunction<Suggestion> loss) {
        double[] tpe = new double[SEEDS];
        double[] random = new double[SEEDS];
        for (int seed = 0; seed < SEEDS; seed++) {
            Search search = new Search(SearchTest.spec("tpe", TRIALS, seed, SPACE), PlanOverrides.NONE);
            tpe[seed] = best(SearchTest.drive(search, TRIALS, loss), loss);
            random[seed] = best(IntStream.range(0, TRIALS).mapToObj(search::random).toList(), loss);
        }
        double tpeMedian = median(tpe);
        double randomMedian = median(random);
        long tpeWins = IntStream.range(0, SEEDS).filter(i -> tpe[i] < random[i]).count();
        System.out.printf("%s: %d seeds x %d trials, median best loss TPE %.4f, random %.4f; TPE better on %d seeds%n",
                name, SEEDS, TRIALS, tpeMedian, randomMedian, tpeWins);
        assertTrue(tpeMedian < randomMedian, "TPE median " + tpeMedian + " vs random " + randomMedian);
        assertTrue(tpeWins > SEEDS / 2, "TPE better on " + tpeWins + " of " + SEEDS + " seeds");
    }

    private static double best(List<Suggestion> suggestions, ToDoubleFunction<Suggestion> loss) {
        return suggestions.stream().mapToDouble(loss).min().orElseThrow();
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
    }
}
