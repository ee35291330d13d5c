package dev.sweeprunner.search;

import dev.sweeprunner.spec.Distribution;
import dev.sweeprunner.spec.ExperimentSpec;
import dev.sweeprunner.spec.ExperimentSpec.Located;
import dev.sweeprunner.spec.TrialField;
import dev.sweeprunner.spec.YamlNode;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A search's space, read from the grid blocks: per block, the fixed settings, the seeds every
 * configuration runs for (replicates, not searched), and the searched settings. A plain list of
 * several values (other than seeds) is searched as a choice among them, as in Hydra's and W&B's
 * sweeps. With several blocks, which block a configuration comes from is searched too.
 *
 * <p>In the estimator's coordinates ({@link Tpe.Param}): the block first (when there are several),
 * then every block's settings; a configuration has NaN for the other blocks' settings.
 */
final class Space {
    /** Drawn reals keep 4 significant digits: readable configs and ids, far finer than any effect. */
    private static final MathContext DRAWN_DIGITS = new MathContext(4);

    record Dim(TrialField field, Distribution distribution, Located where) {}

    record Block(int index, Map<TrialField, Located> fixed, List<Located> seeds, List<Dim> dims) {}

    private final List<Block> blocks = new ArrayList<>();
    private final List<Tpe.Param> params = new ArrayList<>();
    private final List<Integer> offsets = new ArrayList<>();

    Space(ExperimentSpec spec) {
        if (spec.grid().size() > 1) {
            params.add(new Tpe.Categorical(spec.grid().size()));
        }
        for (ExperimentSpec.GridBlock grid : spec.grid()) {
            Map<TrialField, Located> fixed = new LinkedHashMap<>();
            List<Located> seeds = List.of();
            List<Dim> dims = new ArrayList<>();
            for (ExperimentSpec.Axis axis : grid.axes()) {
                Located first = axis.values().get(0);
                if (axis.field() == TrialField.SEED) {
                    seeds = axis.values();
                } else if (first.value() instanceof Distribution distribution) {
                    dims.add(new Dim(axis.field(), distribution, first));
                } else if (axis.values().size() > 1) {
                    dims.add(new Dim(axis.field(), new Distribution.OneOf(axis.values().stream().map(Located::value)
                            .toList()), first));
                } else {
                    fixed.put(axis.field(), first);
                }
            }
            offsets.add(params.size());
            dims.forEach(dim -> params.add(param(dim.distribution())));
            blocks.add(new Block(grid.index(), fixed, seeds, dims));
        }
    }

    List<Tpe.Param> params() {
        return params;
    }

    List<Block> blocks() {
        return blocks;
    }

    private static Tpe.Param param(Distribution distribution) {
        if (distribution instanceof Distribution.OneOf oneOf) {
            return new Tpe.Categorical(oneOf.values().size());
        }
        if (distribution instanceof Distribution.Real real) {
            return real.log() ? new Tpe.Numeric(Math.log(real.low()), Math.log(real.high()))
                    : new Tpe.Numeric(real.low(), real.high());
        }
        Distribution.Whole whole = (Distribution.Whole) distribution;
        // each whole number owns the interval around it, so the ends are as likely as the rest
        double low = whole.low() - 0.5;
        double high = whole.high() + 0.5;
        return whole.log() ? new Tpe.Numeric(Math.log(low), Math.log(high)) : new Tpe.Numeric(low, high);
    }

    /** The values of a point in the estimator's coordinates, as the fields take them. */
    Suggestion decode(int number, double[] x) {
        int blockIndex = blocks.size() > 1 ? (int) x[0] : 0;
        Block block = blocks.get(blockIndex);
        Map<TrialField, Object> values = new LinkedHashMap<>();
        for (int d = 0; d < block.dims().size(); d++) {
            Dim dim = block.dims().get(d);
            values.put(dim.field(), value(dim, x[offsets.get(blockIndex) + d]));
        }
        return new Suggestion(number, blockIndex, values);
    }

    /** A configuration's point: its block's settings set, every other block's NaN. */
    double[] encode(Suggestion suggestion) {
        double[] x = new double[params.size()];
        java.util.Arrays.fill(x, Double.NaN);
        if (blocks.size() > 1) {
            x[0] = suggestion.block();
        }
        Block block = blocks.get(suggestion.block());
        for (int d = 0; d < block.dims().size(); d++) {
            Dim dim = block.dims().get(d);
            x[offsets.get(suggestion.block()) + d] = coordinate(dim.distribution(), suggestion.values().get(dim.field()));
        }
        return x;
    }

    private static double coordinate(Distribution distribution, Object value) {
        if (distribution instanceof Distribution.OneOf oneOf) {
            return oneOf.values().indexOf(value);
        }
        double v = ((Number) value).doubleValue();
        boolean log = distribution instanceof Distribution.Real r ? r.log() : ((Distribution.Whole) distribution).log();
        return log ? Math.log(v) : v;
    }

    private static Object value(Dim dim, double coordinate) {
        Distribution distribution = dim.distribution();
        if (distribution instanceof Distribution.OneOf oneOf) {
            return oneOf.values().get((int) coordinate);
        }
        Object drawn;
        if (distribution instanceof Distribution.Real real) {
            double v = real.log() ? Math.exp(coordinate) : coordinate;
            v = new BigDecimal(v).round(DRAWN_DIGITS).doubleValue();
            drawn = Math.max(real.low(), Math.min(real.high(), v));
        } else {
            Distribution.Whole whole = (Distribution.Whole) distribution;
            long v = Math.round(whole.log() ? Math.exp(coordinate) : coordinate);
            drawn = Math.max(whole.low(), Math.min(whole.high(), v));
        }
        // through the field's parser, so the value has the field's type (int draws on a real field are reals)
        return dim.field().parse(new YamlNode.Scalar(dim.where().location(), drawn));
    }

    /** Settings that shape the network: a search is checked at every corner of their ranges. */
    private static final Set<TrialField> SHAPING = Set.of(TrialField.ARCH, TrialField.BUDGET,
            TrialField.HIDDEN_LAYERS, TrialField.CONV_BLOCKS, TrialField.BATCH_NORM);

    /**
     * Per block, every combination of the network-shaping settings at their ends (every option of
     * a choice), the other searched settings at their low end: the networks the planner must be
     * able to size for the whole search to run.
     */
    List<Map<TrialField, Located>> corners() {
        List<Map<TrialField, Located>> all = new ArrayList<>();
        for (Block block : blocks) {
            List<Map<TrialField, Located>> partial = new ArrayList<>();
            partial.add(new LinkedHashMap<>(block.fixed()));
            for (Dim dim : block.dims()) {
                List<Object> ends = ends(dim.distribution());
                List<Object> used = SHAPING.contains(dim.field()) ? ends : ends.subList(0, 1);
                List<Map<TrialField, Located>> next = new ArrayList<>();
                for (Map<TrialField, Located> p : partial) {
                    for (Object value : used) {
                        Map<TrialField, Located> extended = new LinkedHashMap<>(p);
                        Object typed = value instanceof Number ? dim.field().parse(
                                new YamlNode.Scalar(dim.where().location(), value)) : value;
                        extended.put(dim.field(), new Located(typed, dim.where().location(), dim.where().path()));
                        next.add(extended);
                    }
                }
                partial = next;
            }
            all.addAll(partial);
        }
        return all;
    }

    private static List<Object> ends(Distribution distribution) {
        if (distribution instanceof Distribution.OneOf oneOf) {
            return oneOf.values();
        }
        if (distribution instanceof Distribution.Real real) {
            return List.of(real.low(), real.high());
        }
        Distribution.Whole whole = (Distribution.Whole) distribution;
        return List.of(whole.low(), whole.high());
    }

    /** The chosen values of one configuration for the planner, one map per seed. */
    List<Map<TrialField, Located>> combinations(Suggestion suggestion) {
        Block block = blocks.get(suggestion.block());
        Map<TrialField, Located> base = new LinkedHashMap<>(block.fixed());
        for (Dim dim : block.dims()) {
            base.put(dim.field(), new Located(suggestion.values().get(dim.field()), dim.where().location(),
                    dim.where().path()));
        }
        if (block.seeds().isEmpty()) {
            return List.of(base);
        }
        List<Map<TrialField, Located>> all = new ArrayList<>();
        for (Located seed : block.seeds()) {
            Map<TrialField, Located> withSeed = new LinkedHashMap<>(base);
            withSeed.put(TrialField.SEED, seed);
            all.add(withSeed);
        }
        return all;
    }
}
