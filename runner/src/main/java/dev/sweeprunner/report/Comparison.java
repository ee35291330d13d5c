package dev.sweeprunner.report;

import dev.sweeprunner.UserError;
import dev.sweeprunner.spec.SettingsMatch;
import dev.sweeprunner.spec.TrialField;
import dev.sweeprunner.records.TrialStatus;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * {@code runner compare}: every {@link Metric} of two sets of repeats, A minus B, as
 * {@link Difference}s. Either two selections of one results directory (trials or configurations)
 * or two results directories matched configuration by configuration (the resolved config minus
 * seed and fold, i.e. the same {@link Group#id()}).
 */
public final class Comparison {
    /** What one side of a comparison is: a name for people and the completed trials it holds. */
    public record Side(String label, List<TrialSummary> members) {
        public Side {
            members = List.copyOf(members);
        }

        /** Seeds and folds of the members, e.g. "seeds 1, 2, 3" or "seed 42; folds 1, 2, 3, 4, 5". */
        public String repeats() {
            List<String> parts = new ArrayList<>();
            for (String key : Group.MEMBER_KEYS) {
                Set<String> values = new LinkedHashSet<>();
                members.forEach(m -> values.add(m.trial().setting(key)));
                values.remove("");
                if (!values.isEmpty()) {
                    parts.add(key + (values.size() > 1 ? "s " : " ") + String.join(", ", values));
                }
            }
            return String.join("; ", parts);
        }
    }

    /** One metric of one pair of sides; {@code configuration} names the pair when a table holds several. */
    public record Row(String configuration, Metric metric, Difference difference) {}

    /** The rows, and the configurations found on one side only (two-directory comparisons). */
    public record Result(Side a, Side b, List<Row> rows, List<String> onlyInA, List<String> onlyInB) {
        public Result {
            rows = List.copyOf(rows);
            onlyInA = List.copyOf(onlyInA);
            onlyInB = List.copyOf(onlyInB);
        }
    }

    private Comparison() {}

    /** One metric of two sides: paired when both ran the same seeds/folds (n > 1), Welch's otherwise. */
    public static Difference of(List<TrialSummary> a, List<TrialSummary> b, Metric metric) {
        List<String> keysA = a.stream().map(Comparison::memberKey).toList();
        List<String> keysB = b.stream().map(Comparison::memberKey).toList();
        boolean paired = a.size() > 1 && new TreeSet<>(keysA).size() == a.size()
                && new TreeSet<>(keysA).equals(new TreeSet<>(keysB)) && a.size() == b.size();
        if (!paired) {
            return Difference.welch(values(a, metric), values(b, metric));
        }
        List<TrialSummary> matched = keysA.stream().map(k -> b.get(keysB.indexOf(k))).toList();
        return Difference.paired(values(a, metric), values(matched, metric));
    }

    /** Every metric of two sides, in {@link Metric} order (the metrics list narrows it). */
    public static List<Row> rows(String configuration, Side a, Side b, List<Metric> metrics) {
        return metrics.stream().map(m -> new Row(configuration, m, of(a.members(), b.members(), m))).toList();
    }

    /** Two selections of one results directory ({@link #select}). */
    public static Result within(Report.Results results, String a, String b, List<Metric> metrics) {
        List<TrialSummary> first = select(results, "A", a);
        List<TrialSummary> second = select(results, "B", b);
        Set<String> shared = ids(first);
        shared.retainAll(ids(second));
        if (!shared.isEmpty()) {
            throw new UserError("compare: A '" + a + "' and B '" + b + "' select the same trial(s) " + shared
                    + "; pick two different configurations or trials");
        }
        Map<String, Object> configA = shared(first);
        Map<String, Object> configB = shared(second);
        Side sideA = new Side(describe(first, configA, configB), first);
        Side sideB = new Side(describe(second, configB, configA), second);
        return new Result(sideA, sideB, rows("", sideA, sideB, metrics), List.of(), List.of());
    }

    /** Two results directories, configuration by configuration; nothing in common is a user error. */
    public static Result between(Report.Results a, String nameA, Report.Results b, String nameB, List<Metric> metrics) {
        return between(a, nameA, b, nameB, metrics, Set.of());
    }

    /**
     * As above, matching configurations on their settings without {@code ignored} too (besides
     * seed and fold): {@code --ignore precision} sets each bf16 configuration against its fp32 twin.
     * Two configurations of one directory that differ only in ignored settings are a user error.
     */
    public static Result between(Report.Results a, String nameA, Report.Results b, String nameB, List<Metric> metrics,
            Set<String> ignored) {
        Map<String, Group> groupsB = byMatch(b.groups(), nameB, ignored);
        Map<String, String> labels = labels(a.groups());
        List<Row> rows = new ArrayList<>();
        List<String> onlyInA = new ArrayList<>();
        List<TrialSummary> allA = new ArrayList<>();
        List<TrialSummary> allB = new ArrayList<>();
        for (Map.Entry<String, Group> entry : byMatch(a.groups(), nameA, ignored).entrySet()) {
            Group g = entry.getValue();
            Group other = groupsB.remove(entry.getKey());
            if (other == null) {
                onlyInA.add(labels.get(g.id()));
                continue;
            }
            allA.addAll(g.members());
            allB.addAll(other.members());
            rows.addAll(rows(labels.get(g.id()), new Side(labels.get(g.id()), g.members()),
                    new Side(labels.get(g.id()), other.members()), metrics));
        }
        Map<String, String> labelsB = labels(b.groups());
        List<String> onlyInB = groupsB.values().stream().map(g -> labelsB.get(g.id())).toList();
        if (rows.isEmpty()) {
            throw new UserError("compare: " + nameA + " and " + nameB + " have no configuration in common (completed "
                    + "trials with the same config apart from seed/fold): " + a.groups().size() + " and "
                    + b.groups().size() + " configurations");
        }
        return new Result(new Side(nameA, allA), new Side(nameB, allB), rows, onlyInA, onlyInB);
    }

    /** A directory's configurations by what matches them across directories: their settings without {@code ignored}. */
    private static Map<String, Group> byMatch(List<Group> groups, String name, Set<String> ignored) {
        Map<String, Group> byMatch = new LinkedHashMap<>();
        for (Group g : groups) {
            Map<String, Object> settings = new TreeMap<>(g.config());
            settings.keySet().removeAll(ignored);
            Group before = byMatch.put(Group.hash(settings), g);
            if (before != null) {
                throw new UserError("compare --ignore " + String.join(",", ignored) + ": " + name + " has configurations "
                        + "that differ only in ignored settings (" + before.id() + ", " + g.id() + ")");
            }
        }
        return byMatch;
    }

    /**
     * The completed trials one argument names: {@code key=value[,value][,key=value...]} (the
     * {@code --only} rules: numbers compare by value) selecting trials of one configuration; a trial
     * id or unambiguous prefix (that trial alone); or a configuration's group id or prefix (summary.csv's
     * {@code group}: all its seeds/folds).
     */
    public static List<TrialSummary> select(Report.Results results, String side, String spec) {
        if (spec.contains("=")) {
            return bySelector(results, side, spec);
        }
        List<TrialSummary> trials = results.trials().stream().filter(t -> t.trial().trialId().startsWith(spec))
                .toList();
        List<Group> groups = results.groups().stream().filter(g -> g.id().startsWith(spec)).toList();
        if (trials.size() + groups.size() != 1 || spec.isEmpty()) {
            throw new UserError("compare: " + side + " '" + spec + "' " + (trials.isEmpty() && groups.isEmpty()
                    ? "is neither a trial id (trials.csv) nor a configuration id (summary.csv, column group) nor a "
                            + "KEY=VALUE selection"
                    : "starts " + (trials.size() + groups.size()) + " trial and configuration ids; give more of it"));
        }
        if (!groups.isEmpty()) {
            return groups.get(0).members();
        }
        TrialSummary trial = trials.get(0);
        if (trial.trial().status() != TrialStatus.COMPLETED) {
            throw new UserError("compare: " + side + " '" + spec + "' is trial " + trial.trial().trialId() + ", which "
                    + trial.trial().status().csvName() + ": only completed trials have results to compare");
        }
        return List.of(trial);
    }

    private static List<TrialSummary> bySelector(Report.Results results, String side, String spec) {
        Map<String, List<String>> wanted = parseSelector(side, spec);
        List<TrialSummary> completed = results.trials().stream()
                .filter(t -> t.trial().status() == TrialStatus.COMPLETED).toList();
        for (var entry : wanted.entrySet()) {
            Set<String> present = new TreeSet<>();
            completed.forEach(t -> {
                Object v = t.trial().config().get(entry.getKey());
                if (v != null) {
                    present.add(String.valueOf(v));
                }
            });
            if (present.isEmpty()) {
                throw new UserError("compare: " + side + " '" + spec + "': no completed trial sets '" + entry.getKey()
                        + "' (keys: " + String.join(", ", keys(completed)) + ")");
            }
            for (String value : entry.getValue()) {
                Map<String, List<String>> one = Map.of(entry.getKey(), List.of(value));
                if (completed.stream().noneMatch(t -> SettingsMatch.matches(one, t.trial().config()))) {
                    throw new UserError("compare: " + side + " '" + spec + "': no completed trial has " + entry.getKey()
                            + "=" + value + " (values: " + String.join(", ", present) + ")");
                }
            }
        }
        List<TrialSummary> selected = completed.stream().filter(t -> SettingsMatch.matches(wanted, t.trial().config())).toList();
        if (selected.isEmpty()) {
            throw new UserError("compare: " + side + " '" + spec + "': no completed trial has all of " + wanted);
        }
        List<Group> groups = Group.of(selected);
        if (groups.size() > 1) {
            Map<String, Set<String>> varying = varying(groups);
            throw new UserError("compare: " + side + " '" + spec + "' selects " + groups.size()
                    + " configurations; add one of " + varying.entrySet().stream()
                            .map(e -> e.getKey() + "=" + String.join("|", e.getValue()))
                            .collect(Collectors.joining(", ")) + " to pick one");
        }
        return selected;
    }

    /**
     * "arch=fcn,budget=50000,100000" → arch: [fcn], budget: [50000, 100000]. An item without "="
     * is one more value of the key before it, as in {@code --only budget=50000,100000}.
     */
    static Map<String, List<String>> parseSelector(String side, String spec) {
        Map<String, List<String>> wanted = new LinkedHashMap<>();
        String key = null;
        for (String item : spec.split(",")) {
            int eq = item.indexOf('=');
            String value = (eq < 0 ? item : item.substring(eq + 1)).trim();
            if (eq >= 0) {
                key = item.substring(0, eq).trim();
            }
            if (key == null || key.isEmpty() || value.isEmpty()) {
                throw new UserError("compare: " + side + " '" + spec + "': expected KEY=VALUE[,VALUE][,KEY=VALUE...] "
                        + "(e.g. arch=fcn,budget=100000)");
            }
            wanted.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
        }
        return wanted;
    }

    /**
     * How people tell configurations apart: architecture and network, plus the settings that vary
     * across the sweep when two configurations share a network (a search over lr and batch size).
     */
    public static Map<String, String> labels(List<Group> groups) {
        Map<String, Long> networks = groups.stream()
                .collect(Collectors.groupingBy(g -> g.first().network(), Collectors.counting()));
        Set<String> varying = new LinkedHashSet<>(varying(groups).keySet());
        varying.removeAll(List.of("arch", "budget", "preset"));
        Map<String, String> labels = new LinkedHashMap<>();
        for (Group g : groups) {
            StringBuilder label = new StringBuilder(g.first().setting("arch").toUpperCase(Locale.ROOT) + " "
                    + g.first().network());
            if (networks.get(g.first().network()) > 1) {
                varying.forEach(k -> TrialField.valueIn(g.config(), k)
                        .ifPresent(v -> label.append(' ').append(k).append('=').append(plain(v))));
            }
            labels.put(g.id(), label.toString());
        }
        return labels;
    }

    /** Keys (config minus seed/fold) whose values differ between the groups, with the values in plan order. */
    static Map<String, Set<String>> varying(List<Group> groups) {
        Set<String> keys = new TreeSet<>();
        groups.forEach(g -> keys.addAll(g.config().keySet()));
        Map<String, Set<String>> varying = new LinkedHashMap<>();
        for (String key : keys) {
            Set<String> values = new LinkedHashSet<>();
            // a later field at its default is not written (precision: fp32) but differs from bf16
            groups.forEach(g -> values.add(String.valueOf(TrialField.valueIn(g.config(), key).orElse(null))));
            if (values.size() > 1) {
                varying.put(key, values);
            }
        }
        return varying;
    }

    /** A setting as people write it: 0.0005, not Java's 5.0E-4; 64, not 64.0. */
    static String plain(Object value) {
        if (value instanceof Double || value instanceof Float) {
            return new java.math.BigDecimal(value.toString()).stripTrailingZeros().toPlainString();
        }
        return String.valueOf(value);
    }

    /** "seed 2" or "fold 3" or "seed 1 fold 3": what tells repeats of one configuration apart. */
    static String memberKey(TrialSummary t) {
        return Group.MEMBER_KEYS.stream().filter(k -> !t.trial().setting(k).isEmpty())
                .map(k -> k + " " + t.trial().setting(k)).collect(Collectors.joining(" "));
    }

    /** The side's settings that differ from the other side's, then its network and repeats. */
    private static String describe(List<TrialSummary> members, Map<String, Object> own, Map<String, Object> other) {
        Set<String> keys = new TreeSet<>(own.keySet());
        keys.addAll(other.keySet());
        String differs = keys.stream().filter(k -> !Objects.equals(own.get(k), other.get(k)))
                .map(k -> k + "=" + (own.containsKey(k) ? plain(own.get(k)) : "(unset)"))
                .collect(Collectors.joining(" "));
        TrialSummary first = members.get(0);
        String what = first.trial().setting("arch").toUpperCase(Locale.ROOT) + " " + first.trial().network();
        if (members.size() == 1) {
            what += ", trial " + first.trial().trialId();
        }
        return differs.isEmpty() ? what : differs + " (" + what + ")";
    }

    /** The config without seed/fold (one configuration: the same for every member). */
    private static Map<String, Object> shared(List<TrialSummary> members) {
        Map<String, Object> config = new TreeMap<>(members.get(0).trial().config());
        Group.MEMBER_KEYS.forEach(config::remove);
        return config;
    }

    private static Set<String> ids(List<TrialSummary> trials) {
        return trials.stream().map(t -> t.trial().trialId()).collect(Collectors.toCollection(TreeSet::new));
    }

    private static Set<String> keys(List<TrialSummary> trials) {
        Set<String> keys = new TreeSet<>();
        trials.forEach(t -> keys.addAll(t.trial().config().keySet()));
        return keys;
    }

    private static double[] values(List<TrialSummary> members, Metric metric) {
        return members.stream().mapToDouble(m -> m.value(metric)).toArray();
    }

    /** Every number in the metric's own units (fractions, not percent) for CSV and JSON; NaN cells are empty. */
    public static Table table(Result result) {
        boolean several = result.rows().stream().anyMatch(r -> !r.configuration().isEmpty());
        Table.Builder table = new Table.Builder();
        if (several) {
            table.text("configuration");
        }
        table.text("metric").text("test").number("n_a").number("n_b").number("mean_a").number("mean_b")
                .number("difference").number("ci_low").number("ci_high").number("p_value").text("significant")
                .text("note");
        for (Row row : result.rows()) {
            Difference d = row.difference();
            List<String> cells = new ArrayList<>();
            if (several) {
                cells.add(row.configuration());
            }
            Metric m = row.metric();
            cells.addAll(List.of(m.column(), d.test().label(), Integer.toString(d.nA()), Integer.toString(d.nB()),
                    m.formatStatistic(d.meanA()), m.formatStatistic(d.meanB()), m.formatStatistic(d.difference()),
                    m.formatStatistic(d.low()), m.formatStatistic(d.high()), pValue(d.p()),
                    d.test() == Difference.Test.NONE ? "" : Boolean.toString(d.significant()), d.untested().sentence()));
            table.row(cells);
        }
        return table.build();
    }

    /** For people: accuracies in percent and differences in percentage points, p to three decimals. */
    public static Table readable(Result result) {
        boolean several = result.rows().stream().anyMatch(r -> !r.configuration().isEmpty());
        Table.Builder table = new Table.Builder();
        if (several) {
            table.text("configuration");
        }
        table.text("metric").number("n").number("A").number("B").number("A − B").text("95% CI of A − B")
                .number("p").text("test");
        for (Row row : result.rows()) {
            Difference d = row.difference();
            Metric m = row.metric();
            List<String> cells = new ArrayList<>();
            if (several) {
                cells.add(row.configuration());
            }
            cells.addAll(List.of(m.column() + (m.unit() == Metric.Unit.FRACTION ? " (%)" : ""),
                    d.nA() + ", " + d.nB(), human(m, d.meanA(), false), human(m, d.meanB(), false),
                    human(m, d.difference(), true),
                    d.hasInterval() ? "[" + human(m, d.low(), true) + ", " + human(m, d.high(), true) + "]"
                            : d.untested().cell(),
                    Double.isNaN(d.p()) ? "" : humanP(d.p()) + (d.significant() ? " *" : ""),
                    d.test() == Difference.Test.NONE ? "" : d.test().label()));
            table.row(cells);
        }
        return table.build();
    }

    /** A value as people read it: percent for fractions; {@code signed} for differences ("+0.41"). */
    static String human(Metric m, double value, boolean signed) {
        if (Double.isNaN(value)) {
            return "";
        }
        String sign = signed ? "+" : "";
        return switch (m.unit()) {
            case FRACTION -> String.format(Locale.ROOT, "%" + sign + ".2f", 100 * value);
            case LOSS -> String.format(Locale.ROOT, "%" + sign + ".4f", value);
            case EPOCHS, SECONDS -> String.format(Locale.ROOT, "%" + sign + ".1f", value);
        };
    }

    /** "0.079", "< 0.001": three decimals are what a reader can use. */
    static String humanP(double p) {
        return p < 0.001 ? "< 0.001" : String.format(Locale.ROOT, "%.3f", p);
    }

    /** Six significant digits, a plain JSON number. */
    private static String pValue(double p) {
        return Double.isNaN(p) ? "" : String.format(Locale.ROOT, "%.6g", p);
    }
}
