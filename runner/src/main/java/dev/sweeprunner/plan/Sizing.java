package dev.sweeprunner.plan;

import dev.sweeprunner.spec.DatasetShape;
import dev.sweeprunner.spec.Layer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Picks widths so a network has at most {@code budget} trainable parameters and at least
 * {@link #MIN_FILL} of it. The first knob is the base width (FCN: every hidden layer; CNN: the
 * first block, doubling per block); the second is the last hidden layer's width, free within
 * twice its nominal value, which has a slope small enough to close the gap to the budget.
 */
public final class Sizing {
    /** The tolerance promised to users: a "100k" network has 95,000 to 100,000 parameters. */
    public static final double MIN_FILL = 0.95;
    /** The last layer may grow to this multiple of its nominal width, no further. */
    private static final int LAST_WIDTH_STRETCH = 2;

    private Sizing() {}

    /** The budget cannot be met within tolerance by this family; the message says why. */
    public static final class Impossible extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public Impossible(String message) {
            super(message, null, false, false);
        }
    }

    public static NetShape size(StackedFamily arch, int depth, boolean batchNorm, long budget) {
        if (nominal(arch, depth, batchNorm, 1).paramCount() > budget) {
            throw new Impossible(String.format(Locale.ROOT,
                    "budget %d is below the smallest %s with depth %d (%d parameters)",
                    budget, arch.yamlName(), depth, nominal(arch, depth, batchNorm, 1).paramCount()));
        }
        int baseMax = largestFittingBase(arch, depth, batchNorm, budget);
        // base + 1 overshoots with its nominal last layer, but may fit with a narrower one
        NetShape best = Stream.of(baseMax, baseMax + 1)
                .flatMap(base -> fillLast(nominal(arch, depth, batchNorm, base), budget).stream())
                .max(Comparator.comparingLong(NetShape::paramCount))
                .orElseThrow(() -> new IllegalStateException("the nominal base-" + baseMax + " network fits"));
        int widest = best.widths().stream().mapToInt(Integer::intValue).max().orElse(0);
        if (widest > Layer.MAX_WIDTH) {
            throw new Impossible(String.format(Locale.ROOT,
                    "budget %d needs a layer %d wide with a depth-%d %s (%s), above the limit of %d; use %s "
                            + "or a smaller budget", budget, widest, depth, arch.yamlName(), best.describe(),
                    Layer.MAX_WIDTH, "more " + arch.depthField().key()));
        }
        long floor = (long) Math.ceil(MIN_FILL * budget);
        if (best.paramCount() < floor) {
            String hint = depth == 1 ? String.format(Locale.ROOT, "; use %s ≥ 2 or another budget",
                    arch.depthField().key()) : "; choose another budget or depth";
            throw new Impossible(String.format(Locale.ROOT,
                    "cannot reach 95%% of budget %d with a depth-%d %s: the closest is %s with %d parameters (%.1f%%)%s",
                    budget, depth, arch.yamlName(), best.describe(), best.paramCount(),
                    100.0 * best.paramCount() / budget, hint));
        }
        return best;
    }

    /** The family's nominal widths for {@code base} (FCN: all {@code base}; CNN: doubling per block). */
    static NetShape nominal(StackedFamily arch, int depth, boolean batchNorm, int base) {
        List<Integer> widths = new ArrayList<>(depth);
        for (int i = 0; i < depth; i++) {
            widths.add(arch.nominalWidth(base, i));
        }
        return new NetShape(arch, widths, batchNorm);
    }

    private static int largestFittingBase(StackedFamily arch, int depth, boolean batchNorm, long budget) {
        int low = 1;
        int high = 2;
        while (nominal(arch, depth, batchNorm, high).paramCount() <= budget) {
            low = high;
            high *= 2;
        }
        while (high - low > 1) {
            int mid = (low + high) >>> 1;
            if (nominal(arch, depth, batchNorm, mid).paramCount() <= budget) {
                low = mid;
            } else {
                high = mid;
            }
        }
        return low;
    }

    /**
     * The widest last layer (up to the stretch limit) that keeps the count within budget. The
     * count is linear in that width, so it is solved directly; empty when even width 1 is over
     * budget. With depth 1 the last layer is the only one, so its nominal width stands.
     */
    private static Optional<NetShape> fillLast(NetShape nominal, long budget) {
        List<Integer> widths = new ArrayList<>(nominal.widths());
        int last = widths.size() - 1;
        if (last == 0) {
            return nominal.paramCount() <= budget ? Optional.of(nominal) : Optional.empty();
        }
        long in = widths.get(last - 1);
        long slope = nominal.layerParams(in, 1) + DatasetShape.CLASSES;
        widths.set(last, 0);
        long fixed = new NetShape(nominal.family(), widths, nominal.batchNorm()).paramCount();
        long width = Math.min((budget - fixed) / slope, (long) LAST_WIDTH_STRETCH * nominal.widths().get(last));
        if (width < 1) {
            return Optional.empty();
        }
        widths.set(last, (int) width);
        return Optional.of(new NetShape(nominal.family(), widths, nominal.batchNorm()));
    }
}
