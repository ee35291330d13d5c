package dev.sweeprunner.plan.families;

import dev.sweeprunner.plan.Network;
import dev.sweeprunner.plan.NetworkFamily;
import dev.sweeprunner.plan.Sizing;
import dev.sweeprunner.spec.DatasetShape;
import dev.sweeprunner.spec.Layer;
import dev.sweeprunner.spec.TrialField;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * Residual networks in the manner of He et al. (2016), small enough for a parameter budget: a
 * stem (Conv 3x3 pad 1, BatchNorm?, ReLU), then {@code conv_blocks} stages of one basic residual
 * block each (Conv 3x3, BatchNorm?, ReLU, Conv 3x3, BatchNorm?, plus the input, or its 1x1
 * projection with BatchNorm? where the width changes; then ReLU) followed by MaxPool 2, which
 * halves the side; then global average pool and Dropout?. The stem and the first stage are
 * {@code base} channels wide, and each stage doubles the width, like the CNN family.
 * <p>
 * Sizing: the largest base whose nominal network fits the budget (or base + 1), then the last
 * stage's width, free up to twice its nominal value, as wide as the budget allows. Unlike a CNN
 * block, a residual block's count is quadratic in its width (two convs of that width), so the
 * last width is found by search rather than solved.
 */
public final class ResNet implements NetworkFamily {
    private static final int KERNEL = 3;
    private static final int POOL = 2;
    /** The last stage may grow to this multiple of its nominal width (as in {@link Sizing} for FCN and CNN). */
    private static final int LAST_WIDTH_STRETCH = 2;

    @Override
    public String name() {
        return "resnet";
    }

    @Override
    public String title() {
        return "ResNet";
    }

    /** Matplotlib's green: apart from the FCN's blue and the CNN's red. */
    @Override
    public int colour() {
        return 0x2ca02c;
    }

    /** One residual block per stage, each halving the side: the same range and default as a CNN's blocks. */
    @Override
    public TrialField depthField() {
        return TrialField.CONV_BLOCKS;
    }

    @Override
    public Network size(int depth, boolean batchNorm, double dropout, long budget) {
        Network smallest = network(nominal(depth, 1), batchNorm, dropout);
        if (smallest.paramCount() > budget) {
            throw new Sizing.Impossible(String.format(Locale.ROOT,
                    "budget %d is below the smallest %s with depth %d (%d parameters)",
                    budget, name(), depth, smallest.paramCount()));
        }
        int baseMax = largestFittingBase(depth, batchNorm, dropout, budget);
        Network best = Stream.of(baseMax, baseMax + 1)
                .flatMap(base -> fillLast(nominal(depth, base), batchNorm, dropout, budget).stream())
                .max(Comparator.comparingLong(Network::paramCount))
                .orElseThrow(() -> new IllegalStateException("the nominal base-" + baseMax + " network fits"));
        long floor = (long) Math.ceil(Sizing.MIN_FILL * budget);
        if (best.paramCount() < floor) {
            // one stage has two knobs only (stem and stage width): below ~15,000 its steps exceed 5%
            String hint = depth == 1 ? String.format(Locale.ROOT, "; use %s ≥ 2 or another budget",
                    depthField().key()) : "; choose another budget or depth";
            throw new Sizing.Impossible(String.format(Locale.ROOT,
                    "cannot reach 95%% of budget %d with a depth-%d %s: the closest is %s with %d parameters (%.1f%%)%s",
                    budget, depth, name(), best.describe(), best.paramCount(), 100.0 * best.paramCount() / budget,
                    hint));
        }
        return best;
    }

    /** Stem and stage widths: the stem and first stage {@code base} wide, doubling per stage. */
    private static List<Integer> nominal(int depth, int base) {
        List<Integer> widths = new ArrayList<>(List.of(base));
        IntStream.range(0, depth).forEach(stage -> widths.add(base << stage));
        return widths;
    }

    private static int largestFittingBase(int depth, boolean batchNorm, double dropout, long budget) {
        int low = 1;
        int high = 2;
        while (network(nominal(depth, high), batchNorm, dropout).paramCount() <= budget) {
            low = high;
            high *= 2;
        }
        while (high - low > 1) {
            int mid = (low + high) >>> 1;
            if (network(nominal(depth, mid), batchNorm, dropout).paramCount() <= budget) {
                low = mid;
            } else {
                high = mid;
            }
        }
        return low;
    }

    /**
     * The largest count within budget over the last stage's widths 1 to the stretch limit. With
     * a projection the count grows with the width, so a binary search finds the widest that fits;
     * the width of the stage before needs no projection and is a few parameters cheaper, so it is
     * tried as well.
     */
    private static Optional<Network> fillLast(List<Integer> nominal, boolean batchNorm, double dropout, long budget) {
        int last = nominal.size() - 1;
        int in = nominal.get(last - 1);
        int low = 0;
        int high = LAST_WIDTH_STRETCH * nominal.get(last) + 1;
        while (high - low > 1) { // invariant: width low fits with a projection (or is 0), width high does not
            int mid = (low + high) >>> 1;
            if (withProjection(withLast(nominal, mid), batchNorm) <= budget) {
                low = mid;
            } else {
                high = mid;
            }
        }
        return Stream.of(low, in).filter(width -> width >= 1 && width <= LAST_WIDTH_STRETCH * nominal.get(last))
                .map(width -> network(withLast(nominal, width), batchNorm, dropout))
                .filter(network -> network.paramCount() <= budget)
                .max(Comparator.comparingLong(Network::paramCount));
    }

    private static List<Integer> withLast(List<Integer> widths, int width) {
        List<Integer> changed = new ArrayList<>(widths);
        changed.set(changed.size() - 1, width);
        return changed;
    }

    /** The count of these widths as if the last stage had a projection even where its width is unchanged. */
    private static long withProjection(List<Integer> widths, boolean batchNorm) {
        long count = network(widths, batchNorm, 0).paramCount();
        int in = widths.get(widths.size() - 2);
        int out = widths.get(widths.size() - 1);
        return in == out ? count + (long) in * out + out + (batchNorm ? 2L * out : 0) : count;
    }

    /** {@code widths}: the stem's, then each stage's. */
    private static Network network(List<Integer> widths, boolean batchNorm, double dropout) {
        List<Layer> layers = new ArrayList<>(Layer.convBlock(conv(widths.get(0), KERNEL), batchNorm, 1, 0));
        for (int stage = 1; stage < widths.size(); stage++) {
            int in = widths.get(stage - 1);
            int out = widths.get(stage);
            List<Layer> body = new ArrayList<>();
            body.add(conv(out, KERNEL));
            addBatchNorm(body, batchNorm);
            body.add(new Layer.Relu());
            body.add(conv(out, KERNEL));
            addBatchNorm(body, batchNorm);
            List<Layer> shortcut = new ArrayList<>();
            if (in != out) {
                shortcut.add(conv(out, 1));
                addBatchNorm(shortcut, batchNorm);
            }
            layers.add(new Layer.Residual(body, shortcut));
            layers.add(new Layer.Relu());
            layers.add(new Layer.MaxPool(POOL));
        }
        layers.add(new Layer.GlobalAvgPool());
        if (dropout > 0) {
            layers.add(new Layer.Dropout(dropout));
        }
        return Network.of(layers, describe(widths));
    }

    /** Stride 1 with "same" padding: the side changes only at the pools. */
    private static Layer.Conv conv(int channels, int kernel) {
        return new Layer.Conv(channels, kernel, kernel / 2);
    }

    private static void addBatchNorm(List<Layer> layers, boolean batchNorm) {
        if (batchNorm) {
            layers.add(new Layer.BatchNorm());
        }
    }

    /** "1-16-res16-res32-res64-gap-10": the stem's width, then each residual stage's. */
    private static String describe(List<Integer> widths) {
        return "1-" + widths.get(0) + "-" + widths.subList(1, widths.size()).stream().map(w -> "res" + w)
                .collect(Collectors.joining("-")) + "-gap-" + DatasetShape.CLASSES;
    }
}
