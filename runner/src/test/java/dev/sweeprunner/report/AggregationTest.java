package dev.sweeprunner.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sweeprunner.records.ConfusionMatrix;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Grouping over seeds, mean ± sample std, and per-class metrics, against hand-computed values. */
class AggregationTest {
    private static final double EPS = 1e-6;

    static Stream<Arguments> statsCases() {
        return Stream.of(
                Arguments.of("empty", List.of(), 0, Double.NaN, Double.NaN),
                Arguments.of("one value has no std", List.of(0.9), 1, 0.9, Double.NaN),
                Arguments.of("two values", List.of(1.0, 3.0), 2, 2.0, Math.sqrt(2)),
                // mean 0.83; deviations -.03 -.01 .04; squares sum .0026; / (n-1) = .0013
                Arguments.of("three seeds", List.of(0.80, 0.82, 0.87), 3, 0.83, Math.sqrt(0.0013)),
                Arguments.of("a missing member makes it missing", List.of(4.0, Double.NaN), 2, Double.NaN,
                        Double.NaN));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("statsCases")
    void meanAndSampleStd(String name, List<Double> values, int n, double mean, double std) {
        Stats s = Stats.of(values);
        assertEquals(n, s.n());
        assertEquals(mean, s.mean(), EPS);
        assertEquals(std, s.std(), EPS);
    }

    @Test
    void groupsTrialsThatDifferOnlyInSeedAndLeavesOutFailedOnes() {
        List<Group> groups = Group.of(ReportFixtures.summaries());
        assertEquals(2, groups.size(), "3 CNN seeds + 1 FCN; the failed FCN is not a member");
        Group cnn = groups.get(0);
        assertEquals(3, cnn.n());
        assertEquals("1 2 3", cnn.memberValues("seed"));
        assertEquals(0.83, cnn.stats(Metric.TEST_ACC).mean(), EPS);
        assertEquals(Math.sqrt(0.0013), cnn.stats(Metric.TEST_ACC).std(), EPS);
        assertEquals(7.5, cnn.stats(Metric.TRAINING_TIME_S).mean(), EPS, "elapsed 6.5, 7.5, 8.5");
        assertEquals(1.0, cnn.stats(Metric.TRAINING_TIME_S).std(), EPS);
        assertTrue(Double.isNaN(cnn.stats(Metric.EPOCHS_TO_88).mean()), "no seed reached 88%");
        // the fixture's matrices are 80/82/87 correct of 100 per class: macro F1 = accuracy here
        assertEquals(0.83, cnn.stats(Metric.MACRO_F1).mean(), EPS);
        Group fcn = groups.get(1);
        assertEquals(1, fcn.n());
        assertEquals(0.885, fcn.stats(Metric.TEST_ACC).mean(), EPS);
        assertTrue(Double.isNaN(fcn.stats(Metric.TEST_ACC).std()));
        assertEquals(2, fcn.stats(Metric.EPOCHS_TO_88).mean(), EPS);
        assertEquals(1, fcn.stats(Metric.BEST_EPOCH).mean(), EPS, "val acc 0.85 then 0.84");
        assertEquals(0.84, fcn.stats(Metric.BEST_TEST_ACC).mean(), EPS);
        assertTrue(!cnn.id().equals(fcn.id()) && cnn.id().length() == 10);
    }

    @Test
    void groupIdIgnoresSeedOnly() {
        List<Group> once = Group.of(ReportFixtures.summaries());
        List<Group> again = Group.of(ReportFixtures.summaries().subList(1, 4));
        assertEquals(once.get(0).id(), again.get(0).id(), "same config, other seeds: same group");
    }

    @Test
    void classMetricsMatchHandComputedValues() {
        // true \ predicted: class 2 is never predicted (precision 0 by the zero-division rule)
        ConfusionMatrix m = new ConfusionMatrix(3, new long[] {4, 2, 0, 1, 3, 0, 2, 0, 0});
        List<ClassMetrics.ClassRow> rows = ClassMetrics.rows(m, List.of("a", "b", "c"));
        assertEquals(4.0 / 7, rows.get(0).precision(), EPS);
        assertEquals(4.0 / 6, rows.get(0).recall(), EPS);
        assertEquals(16.0 / 26, rows.get(0).f1(), EPS);
        assertEquals(3.0 / 5, rows.get(1).precision(), EPS);
        assertEquals(0.75, rows.get(1).recall(), EPS);
        assertEquals(2 / 3.0, rows.get(1).f1(), EPS);
        assertEquals(0, rows.get(2).precision());
        assertEquals(0, rows.get(2).f1());
        assertEquals(List.of(6L, 4L, 2L), rows.stream().map(ClassMetrics.ClassRow::support).toList());
        assertEquals((16.0 / 26 + 2 / 3.0) / 3, ClassMetrics.macro(rows, ClassMetrics.ClassRow::f1), EPS);
        assertEquals((16.0 / 26 * 6 + 2 / 3.0 * 4) / 12, ClassMetrics.weighted(rows, ClassMetrics.ClassRow::f1), EPS);
    }

    @Test
    void differenceMatrixIsCellByCell() {
        ConfusionMatrix a = new ConfusionMatrix(2, new long[] {9, 1, 2, 8});
        ConfusionMatrix b = new ConfusionMatrix(2, new long[] {7, 3, 2, 8});
        assertEquals(new ConfusionMatrix(2, new long[] {2, -2, 0, 0}), a.minus(b));
        assertEquals(17, a.correct());
        assertEquals(20, a.total());
        assertEquals(Arrays.asList(11L, 9L), List.of(a.predicted(0), a.predicted(1)));
    }
}
