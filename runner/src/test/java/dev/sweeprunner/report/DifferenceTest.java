package dev.sweeprunner.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * The statistics against published and independently computed values. Where each expected value
 * comes from is said per case; "scipy" means scipy 1.17 {@code stats.ttest_ind(a, b, equal_var=False)}
 * or {@code stats.ttest_rel(a, b)} and their {@code confidence_interval(0.95)}.
 */
class DifferenceTest {
    /** Student's sleep data (Cushny and Peebles 1905), R's {@code sleep}: extra hours of sleep, two drugs, ten patients. */
    private static final double[] SLEEP_1 = {0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0};
    private static final double[] SLEEP_2 = {1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4};
    private static final double TOLERANCE = 1e-6;

    record Case(String name, boolean paired, double[] a, double[] b, double difference, double low, double high,
            double p) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> tested() {
        return Stream.of(
                // R documentation of t.test, example(t.test): t.test(extra ~ group, data = sleep) prints
                // t = -1.8608, df = 17.776, p-value = 0.07939, 95% CI -3.3654832 0.2054832; scipy agrees
                // to the digits below
                new Case("sleep, Welch (R's t.test example)", false, SLEEP_1, SLEEP_2, -1.58, -3.3654832307117104,
                        0.20548323071171137, 0.0793941401873583),
                // the same data paired by patient, t.test(..., paired = TRUE): t = -4.0621, df = 9,
                // p-value = 0.002833, 95% CI -2.4598858 -0.7001142
                new Case("sleep, paired (R's t.test example)", true, SLEEP_1, SLEEP_2, -1.58, -2.459885763276983,
                        -0.7001142367230175, 0.002832890197384273),
                // by hand: means 2.5 and 7, variances 5/3 and 14, se = sqrt(5/12 + 14/6) = sqrt(2.75),
                // Welch-Satterthwaite df = 2.75^2 / ((5/12)^2/3 + (7/3)^2/5) = 6.5947; t(0.975, 6.5947) x se
                // gives the interval; p and interval from scipy
                new Case("unequal n and variance", false, new double[] {1, 2, 3, 4}, new double[] {2, 4, 6, 8, 10, 12},
                        -4.5, -8.470676788343704, -0.5293232116562954, 0.03182444378084147),
                // the report fixture's three CNN seeds against the FCN-like pair: not significant (scipy)
                new Case("three against two accuracies", false, ReportFixtures.CNN_TEST_ACC, new double[] {0.885, 0.88},
                        -0.0525, -0.14034685073508818, 0.0353468507350882, 0.12582147268680513),
                // the same seeds paired and unpaired: pairing removes the seed-to-seed spread (scipy)
                new Case("seeds paired", true, ReportFixtures.CNN_TEST_ACC, new double[] {0.79, 0.80, 0.83},
                        0.023333333333333317, -0.014612497002634346, 0.06127916366930098, 0.11808289631180365),
                new Case("seeds unpaired", false, ReportFixtures.CNN_TEST_ACC, new double[] {0.79, 0.80, 0.83},
                        0.023333333333333428, -0.05052828177873281, 0.09719494844539966, 0.39920624790847603));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tested")
    void matchesReferenceValues(Case c) {
        Difference d = c.paired() ? Difference.paired(c.a(), c.b()) : Difference.welch(c.a(), c.b());
        assertEquals(c.paired() ? Difference.Test.PAIRED : Difference.Test.WELCH, d.test());
        assertEquals(c.difference(), d.difference(), TOLERANCE, "difference");
        assertEquals(c.low(), d.low(), TOLERANCE, "interval, low end");
        assertEquals(c.high(), d.high(), TOLERANCE, "interval, high end");
        assertEquals(c.p(), d.p(), TOLERANCE, "p-value");
        assertEquals(Difference.Untested.NO, d.untested());
        // a 95% interval excludes 0 exactly when p < 0.05: the interval and the test are one computation
        assertEquals(d.low() > 0 || d.high() < 0, d.significant(), "interval and p agree");
    }

    record Untestable(String name, boolean paired, double[] a, double[] b, Difference.Untested why, double difference) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Untestable> untestable() {
        return Stream.of(
                new Untestable("n = 1 against 3", false, new double[] {0.9}, new double[] {0.8, 0.82, 0.84},
                        Difference.Untested.N_ONE, 0.08),
                new Untestable("3 against n = 1", false, new double[] {0.8, 0.82, 0.84}, new double[] {0.9},
                        Difference.Untested.N_ONE, -0.08),
                new Untestable("n = 1 on both sides", false, new double[] {0.9}, new double[] {0.8},
                        Difference.Untested.N_ONE, 0.1),
                new Untestable("n = 1, paired", true, new double[] {0.9}, new double[] {0.8},
                        Difference.Untested.N_ONE, 0.1),
                new Untestable("a missing value (never reached 88%)", false, new double[] {4, Double.NaN},
                        new double[] {3, 5}, Difference.Untested.MISSING, Double.NaN),
                new Untestable("every repeat the same", false, new double[] {4, 4, 4}, new double[] {6, 6},
                        Difference.Untested.NO_SPREAD, -2),
                new Untestable("every paired difference the same", true, new double[] {1, 2, 3}, new double[] {0, 1, 2},
                        Difference.Untested.NO_SPREAD, 1));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("untestable")
    void saysPlainlyWhenNoIntervalCanBeGiven(Untestable c) {
        Difference d = c.paired() ? Difference.paired(c.a(), c.b()) : Difference.welch(c.a(), c.b());
        assertEquals(Difference.Test.NONE, d.test());
        assertEquals(c.why(), d.untested());
        assertEquals(c.difference(), d.difference(), TOLERANCE, "the difference of the means is still given");
        assertFalse(d.hasInterval());
        assertTrue(Double.isNaN(d.p()));
        assertFalse(d.significant());
    }

    @Test
    void pairedNeedsOneValuePerPair() {
        assertThrows(IllegalArgumentException.class, () -> Difference.paired(new double[] {1, 2}, new double[] {1}));
    }
}
