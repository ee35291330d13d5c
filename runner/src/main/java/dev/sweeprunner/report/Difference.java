package dev.sweeprunner.report;

import java.util.Arrays;
import org.apache.commons.math3.distribution.TDistribution;
import org.apache.commons.math3.stat.StatUtils;
import org.apache.commons.math3.stat.inference.TTest;

/**
 * One metric of two sets of repeats (seeds or folds), A minus B: the difference of the means with
 * a 95% confidence interval and the two-sided p-value of a t-test. Welch's test (no equal-variance
 * assumption) for independent repeats; the paired test, and the interval of the mean paired
 * difference, when both sides ran the same seeds/folds, since repeats that share a seed share
 * initial weights and batch order and their difference varies less than either side.
 * The distribution and tests are commons-math3's.
 *
 * @param test how the interval and p-value were obtained; {@link Test#NONE} when they could not be
 * @param low lower end of the 95% interval of the difference; NaN without an interval
 * @param p two-sided p-value; NaN without a test
 * @param untested why there is no interval and test, {@link Untested#NO} when there are
 */
public record Difference(Test test, int nA, int nB, double meanA, double meanB, double difference, double low,
        double high, double p, Untested untested) {
    /** The interval's coverage: the 95% that papers report. */
    public static final double CONFIDENCE = 0.95;
    /** A difference is called significant below this p-value: the level that matches the 95% interval. */
    public static final double SIGNIFICANCE = 1 - CONFIDENCE;

    /** Why a comparison has no interval: a short cell for tables and the sentence that explains it. */
    public enum Untested {
        NO("", ""),
        N_ONE("n = 1", "n = 1 on a side: no interval can be given (one run says nothing about the spread "
                + "between runs; add seeds)"),
        MISSING("missing", "missing in some runs (never reached 88%, or no confusion matrix to compute F1 from): no "
                + "comparison"),
        NO_SPREAD("no spread", "every repeat gave the same value (or the same paired difference): no spread to "
                + "estimate an interval from");

        private final String cell;
        private final String sentence;

        Untested(String cell, String sentence) {
            this.cell = cell;
            this.sentence = sentence;
        }

        public String cell() {
            return cell;
        }

        public String sentence() {
            return sentence;
        }
    }

    /** The test used; its name is what tables print. */
    public enum Test {
        WELCH("welch"), PAIRED("paired"), NONE("none");

        private final String label;

        Test(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /** Below {@link #SIGNIFICANCE}; false without a test. */
    public boolean significant() {
        return !Double.isNaN(p) && p < SIGNIFICANCE;
    }

    public boolean hasInterval() {
        return !Double.isNaN(low);
    }

    /**
     * Independent repeats: Welch's t-test and interval. A NaN on either side (a value the trial does
     * not have, e.g. never reached 88%) leaves the whole comparison out, as {@link Stats} does for the mean.
     */
    public static Difference welch(double[] a, double[] b) {
        Difference untested = untested(a, b);
        if (untested != null) {
            return untested;
        }
        double va = StatUtils.variance(a);
        double vb = StatUtils.variance(b);
        double se = Math.sqrt(va / a.length + vb / b.length);
        double difference = StatUtils.mean(a) - StatUtils.mean(b);
        if (se == 0) {
            return without(a, b, Untested.NO_SPREAD);
        }
        double df = WelchDf.INSTANCE.df(va, vb, a.length, b.length);
        double half = quantile(df) * se;
        return new Difference(Test.WELCH, a.length, b.length, StatUtils.mean(a), StatUtils.mean(b), difference,
                difference - half, difference + half, new TTest().tTest(a, b), Untested.NO);
    }

    /** Repeats matched one to one ({@code a[i]} and {@code b[i]} share a seed or fold): the paired t-test. */
    public static Difference paired(double[] a, double[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("paired samples of " + a.length + " and " + b.length);
        }
        Difference untested = untested(a, b);
        if (untested != null) {
            return untested;
        }
        double[] d = new double[a.length];
        Arrays.setAll(d, i -> a[i] - b[i]);
        double mean = StatUtils.mean(d);
        double se = Math.sqrt(StatUtils.variance(d) / d.length);
        if (se == 0) {
            return without(a, b, Untested.NO_SPREAD);
        }
        double half = quantile(d.length - 1) * se;
        return new Difference(Test.PAIRED, a.length, b.length, StatUtils.mean(a), StatUtils.mean(b), mean,
                mean - half, mean + half, new TTest().pairedTTest(a, b), Untested.NO);
    }

    /** The comparison without a test, or null when a test can be made. */
    private static Difference untested(double[] a, double[] b) {
        if (a.length == 0 || b.length == 0) {
            throw new IllegalArgumentException("nothing to compare: " + a.length + " and " + b.length + " values");
        }
        if (Arrays.stream(a).anyMatch(Double::isNaN) || Arrays.stream(b).anyMatch(Double::isNaN)) {
            return new Difference(Test.NONE, a.length, b.length, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
                    Double.NaN, Double.NaN, Untested.MISSING);
        }
        if (a.length < 2 || b.length < 2) {
            return without(a, b, Untested.N_ONE);
        }
        return null;
    }

    private static Difference without(double[] a, double[] b, Untested why) {
        double meanA = StatUtils.mean(a);
        double meanB = StatUtils.mean(b);
        return new Difference(Test.NONE, a.length, b.length, meanA, meanB, meanA - meanB, Double.NaN, Double.NaN,
                Double.NaN, why);
    }

    /** The t quantile whose two-sided interval covers {@link #CONFIDENCE}. */
    private static double quantile(double df) {
        return new TDistribution(df).inverseCumulativeProbability(1 - (1 - CONFIDENCE) / 2);
    }

    /** commons-math3 computes the Welch–Satterthwaite degrees of freedom for its test but keeps the method protected. */
    private static final class WelchDf extends TTest {
        static final WelchDf INSTANCE = new WelchDf();

        @Override
        protected double df(double v1, double v2, double n1, double n2) {
            return super.df(v1, v2, n1, n2);
        }
    }
}
