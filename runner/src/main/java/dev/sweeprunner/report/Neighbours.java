package dev.sweeprunner.report;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Configurations one grid step apart (the same config but for one setting, and no configuration
 * between them along it: the same architecture at the next budget, the next lr) that both ran more
 * than once, with the change of the headline metric between them and whether it exceeds what the
 * seeds/folds spread explains. A sweep of exactly two repeated configurations compares those two,
 * whatever they differ in: that is the comparison it was made for (MLP vs CNN).
 */
public final class Neighbours {
    /** The number every table leads with; {@code runner compare} tests the others on request. */
    public static final Metric METRIC = Metric.TEST_ACC;
    private static final String ARCH = "arch";
    /** Settings that name the network come first in a list of differences: they say the most. */
    private static final List<String> NAMING = List.of(ARCH, "preset", "budget");
    /** Settings named in a table cell when two configurations differ in many: a cell stays readable. */
    private static final int MAX_NAMED = 3;

    /**
     * One step: {@code difference} is {@code to} minus {@code from}.
     *
     * @param axis the setting that changes ("budget"), several joined by ", " for the two-configuration case
     */
    public record Pair(String axis, Group from, Group to, Difference difference) {}

    private Neighbours() {}

    /** Every step between configurations with n > 1, grouped by axis, in plan order within an axis. */
    public static List<Pair> of(List<Group> groups) {
        List<Group> repeated = groups.stream().filter(g -> g.n() > 1).toList();
        List<Pair> pairs = new ArrayList<>();
        for (int i = 0; i < repeated.size(); i++) {
            for (int j = i + 1; j < repeated.size(); j++) {
                Group g = repeated.get(i);
                Group h = repeated.get(j);
                List<String> differing = differing(g, h);
                if (differing.size() != 1) {
                    continue;
                }
                String key = differing.get(0);
                List<Group> line = repeated.stream().filter(o -> sameBut(o, g, key) && o.config().containsKey(key))
                        .sorted(along(key, repeated)).toList();
                int step = line.indexOf(h) - line.indexOf(g);
                if (Math.abs(step) == 1) {
                    pairs.add(step > 0 ? pair(key, g, h) : pair(key, h, g));
                }
            }
        }
        if (pairs.isEmpty() && repeated.size() == 2) {
            List<String> keys = new ArrayList<>(differing(repeated.get(0), repeated.get(1)));
            keys.sort(Comparator.comparingInt((String k) -> NAMING.contains(k) ? NAMING.indexOf(k) : NAMING.size()));
            String axis = keys.size() <= MAX_NAMED ? String.join(", ", keys)
                    : String.join(", ", keys.subList(0, MAX_NAMED)) + ", and " + (keys.size() - MAX_NAMED) + " more";
            pairs.add(pair(axis, repeated.get(0), repeated.get(1)));
        }
        List<String> axes = pairs.stream().map(Pair::axis).distinct().toList();
        return pairs.stream().sorted(Comparator.comparingInt(p -> axes.indexOf(p.axis()))).toList();
    }

    /** The report's table: one row per step, with both configurations' labels. */
    public static Table table(List<Pair> pairs, List<Group> groups) {
        Map<String, String> labels = Comparison.labels(groups.stream().filter(g -> g.n() > 1).toList());
        Table.Builder table = new Table.Builder().text("setting").text("from").text("to").number("n")
                .number("change in " + METRIC.column().replace('_', ' ') + " (pp)").text("95% CI").number("p")
                .text("significant");
        for (Pair p : pairs) {
            Difference d = p.difference();
            String axis = p.axis().contains(",") ? p.axis() : p.axis() + ": "
                    + Comparison.plain(p.from().config().get(p.axis())) + " → "
                    + Comparison.plain(p.to().config().get(p.axis()));
            table.row(List.of(axis, labels.get(p.from().id()), labels.get(p.to().id()), d.nB() + ", " + d.nA(),
                    Comparison.human(METRIC, d.difference(), true),
                    d.hasInterval() ? "[" + Comparison.human(METRIC, d.low(), true) + ", "
                            + Comparison.human(METRIC, d.high(), true) + "]" : d.untested().cell(),
                    Double.isNaN(d.p()) ? "" : Comparison.humanP(d.p()),
                    d.test() == Difference.Test.NONE ? "" : d.significant() ? "yes" : "no"));
        }
        return table.build();
    }

    private static Pair pair(String axis, Group from, Group to) {
        return new Pair(axis, from, to, Comparison.of(to.members(), from.members(), METRIC));
    }

    /**
     * The settings whose values differ. Between architectures, a setting only one side has is that
     * architecture's own (hidden_layers, conv_blocks), so an FCN and a CNN at one budget are one
     * step apart along arch.
     */
    private static List<String> differing(Group g, Group h) {
        Set<String> keys = new TreeSet<>(g.config().keySet());
        keys.addAll(h.config().keySet());
        boolean architectures = !Objects.equals(g.config().get(ARCH), h.config().get(ARCH));
        return keys.stream().filter(k -> !Objects.equals(g.config().get(k), h.config().get(k)))
                .filter(k -> !architectures || (g.config().containsKey(k) && h.config().containsKey(k))).toList();
    }

    private static boolean sameBut(Group o, Group g, String key) {
        return differing(o, g).stream().allMatch(key::equals);
    }

    /** Numbers by value (budget 10000 before 100000); other values in plan order. */
    private static Comparator<Group> along(String key, List<Group> planOrder) {
        return (x, y) -> {
            BigDecimal a = number(x.config().get(key));
            BigDecimal b = number(y.config().get(key));
            return a != null && b != null ? a.compareTo(b) : Integer.compare(planOrder.indexOf(x), planOrder.indexOf(y));
        };
    }

    private static BigDecimal number(Object value) {
        if (!(value instanceof Number)) {
            return null;
        }
        try {
            return new BigDecimal(value.toString());
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
