package dev.sweeprunner.search;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.commons.math3.distribution.NormalDistribution;

/**
 * The Tree-structured Parzen Estimator of Bergstra, Bardenet, Bengio and Kégl, "Algorithms for
 * Hyper-Parameter Optimization" (NeurIPS 2011), written here because no maintained Java library
 * offers it (Optuna and Hyperopt are Python). Each parameter is handled on its own, as in both:
 *
 * <ol>
 * <li>the observations are split at quantile {@code gamma} of the objective into good and bad
 *     (lower is better here; pending ones count as bad: the constant liar);
 * <li>l(x) and g(x) are Parzen estimators over the good and the bad values: for numbers, a mixture
 *     of Gaussians truncated to the range (in log space for log distributions; whole numbers on
 *     [low - 0.5, high + 0.5], rounded afterwards) plus one wide prior component, with Hyperopt's
 *     bandwidths (the larger gap to a neighbour, clipped to [range / min(100, 1 + n), range]);
 *     for choices, counts plus one pseudo-count per option (Laplace smoothing);
 * <li>{@code nCandidates} values are drawn from l and the one with the largest l(x)/g(x), the
 *     expected-improvement criterion, is suggested.
 * </ol>
 *
 * A parameter an observation does not have (another block's setting) is NaN there and that
 * observation is left out of the parameter's estimators: the "tree" of the name. Everything is a
 * pure function of its arguments and the random source.
 */
public final class Tpe {
    /** Weight of the prior component among the observations (Optuna's and Hyperopt's 1.0); per option for choices. */
    static final double PRIOR_WEIGHT = 1.0;
    /** Hyperopt's cap on how narrow a kernel may get: range / min(this, 1 + n). */
    private static final double MIN_BANDWIDTH_DIVISOR = 100;
    /** Draws tried before a truncated Gaussian sample is clamped instead (the mass inside is tiny). */
    private static final int MAX_REJECTIONS = 100;

    private Tpe() {}

    /** One searched setting in the estimator's own coordinates. */
    public sealed interface Param {}

    /** A number in [low, high] (log space already applied by the caller when wanted). */
    public record Numeric(double low, double high) implements Param {}

    /** One of {@code size} options, by index. */
    public record Categorical(int size) implements Param {}

    /** A finished configuration: its parameter values (NaN = absent) and objective, lower is better. */
    public record Observation(double[] x, double y) {}

    /** gamma: quantile of good ones; nCandidates: draws from l(x) per parameter. */
    public record Settings(double gamma, int nCandidates) {}

    /** A value for every parameter drawn from its prior (uniform over the range or the options). */
    public static double[] samplePrior(List<Param> params, SplittableRandom random) {
        double[] x = new double[params.size()];
        for (int j = 0; j < x.length; j++) {
            x[j] = params.get(j) instanceof Numeric n ? n.low() + random.nextDouble() * (n.high() - n.low())
                    : random.nextInt(((Categorical) params.get(j)).size());
        }
        return x;
    }

    /**
     * The next values to try given finished observations (in a fixed order: ties in the objective
     * keep that order) and pending ones (values only; they join the bad group).
     */
    public static double[] suggest(List<Param> params, List<Observation> finished, List<double[]> pending,
            Settings settings, SplittableRandom random) {
        List<Observation> sorted = new ArrayList<>(finished);
        sorted.sort(Comparator.comparingDouble(Observation::y)); // stable: ties keep the given order
        int nGood = finished.isEmpty() ? 0 : Math.max(1, (int) Math.ceil(settings.gamma() * finished.size()));
        List<double[]> good = new ArrayList<>();
        List<double[]> bad = new ArrayList<>();
        for (int i = 0; i < sorted.size(); i++) {
            (i < nGood ? good : bad).add(sorted.get(i).x());
        }
        bad.addAll(pending);
        double[] x = new double[params.size()];
        for (int j = 0; j < x.length; j++) {
            double[] below = column(good, j);
            double[] above = column(bad, j);
            Param param = params.get(j);
            x[j] = param instanceof Numeric n ? suggestNumeric(n, below, above, settings.nCandidates(), random)
                    : suggestCategorical((Categorical) param, below, above, settings.nCandidates(), random);
        }
        return x;
    }

    private static double[] column(List<double[]> rows, int j) {
        return rows.stream().mapToDouble(r -> r[j]).filter(v -> !Double.isNaN(v)).toArray();
    }

    private static double suggestNumeric(Numeric p, double[] below, double[] above, int candidates,
            SplittableRandom random) {
        Mixture l = Mixture.of(p, below);
        Mixture g = Mixture.of(p, above);
        double best = Double.NaN;
        double bestScore = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < candidates; c++) {
            double x = l.sample(random);
            double score = l.logPdf(x) - g.logPdf(x);
            if (Double.isNaN(best) || score > bestScore) {
                best = x;
                bestScore = score;
            }
        }
        return best;
    }

    private static double suggestCategorical(Categorical p, double[] below, double[] above, int candidates,
            SplittableRandom random) {
        double[] l = categoricalWeights(p.size(), below);
        double[] g = categoricalWeights(p.size(), above);
        int best = -1;
        double bestScore = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < candidates; c++) {
            int x = pick(l, random);
            double score = Math.log(l[x]) - Math.log(g[x]);
            if (best < 0 || score > bestScore) {
                best = x;
                bestScore = score;
            }
        }
        return best;
    }

    /**
     * Counts plus {@link #PRIOR_WEIGHT} per option, normalised. Hyperopt spreads one prior weight
     * over all options; on our synthetic benchmark (TpeBenchmarkTest) that left more searches stuck
     * on an option that looked good during start-up.
     */
    static double[] categoricalWeights(int size, double[] observed) {
        double[] w = new double[size];
        Arrays.fill(w, PRIOR_WEIGHT);
        for (double v : observed) {
            w[(int) v] += 1;
        }
        double total = Arrays.stream(w).sum();
        for (int i = 0; i < size; i++) {
            w[i] /= total;
        }
        return w;
    }

    private static int pick(double[] weights, SplittableRandom random) {
        double u = random.nextDouble();
        double sum = 0;
        for (int i = 0; i < weights.length; i++) {
            sum += weights[i];
            if (u < sum) {
                return i;
            }
        }
        return weights.length - 1;
    }

    /** Gaussians truncated to [low, high], equally weighted, the prior one among them. */
    record Mixture(double low, double high, double[] mu, double[] sigma, double[] weight) {

        static Mixture of(Numeric p, double[] points) {
            double range = p.high() - p.low();
            int n = points.length;
            double[] mu = new double[n + 1];
            double[] sigma = new double[n + 1];
            double[] weight = new double[n + 1];
            // the prior: centred, as wide as the range
            mu[n] = p.low() + range / 2;
            sigma[n] = range;
            weight[n] = PRIOR_WEIGHT;
            double[] sorted = points.clone();
            Arrays.sort(sorted);
            double minSigma = range / Math.min(MIN_BANDWIDTH_DIVISOR, 1.0 + n);
            for (int i = 0; i < n; i++) {
                double left = sorted[i] - (i == 0 ? p.low() : sorted[i - 1]);
                double right = (i == n - 1 ? p.high() : sorted[i + 1]) - sorted[i];
                mu[i] = sorted[i];
                sigma[i] = Math.max(minSigma, Math.min(range, Math.max(left, right)));
                weight[i] = 1;
            }
            double total = Arrays.stream(weight).sum();
            for (int i = 0; i <= n; i++) {
                weight[i] /= total;
            }
            return new Mixture(p.low(), p.high(), mu, sigma, weight);
        }

        double sample(SplittableRandom random) {
            int k = pick(weight, random);
            for (int attempt = 0; attempt < MAX_REJECTIONS; attempt++) {
                double x = mu[k] + sigma[k] * gaussian(random);
                if (x >= low && x <= high) {
                    return x;
                }
            }
            return Math.max(low, Math.min(high, mu[k]));
        }

        double logPdf(double x) {
            double density = 0;
            for (int k = 0; k < mu.length; k++) {
                double inside = phi((high - mu[k]) / sigma[k]) - phi((low - mu[k]) / sigma[k]);
                double z = (x - mu[k]) / sigma[k];
                density += weight[k] * Math.exp(-0.5 * z * z) / (sigma[k] * Math.sqrt(2 * Math.PI))
                        / Math.max(inside, Double.MIN_NORMAL);
            }
            return Math.log(Math.max(density, Double.MIN_NORMAL));
        }
    }

    /**
     * A standard normal draw by Box-Muller from two uniforms, written out so that suggestions do
     * not depend on how a JDK implements nextGaussian.
     */
    static double gaussian(SplittableRandom random) {
        double u1 = 1.0 - random.nextDouble(); // (0, 1]: log stays finite
        double u2 = random.nextDouble();
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }

    /** The standard normal; no random generator, as only its CDF is used (draws come from SplittableRandom). */
    private static final NormalDistribution STANDARD_NORMAL = new NormalDistribution(null, 0, 1);

    /** The standard normal CDF. */
    static double phi(double z) {
        return STANDARD_NORMAL.cumulativeProbability(z);
    }
}
