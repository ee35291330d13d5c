package dev.sweeprunner.report;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sweeprunner.records.ConfusionMatrix;
import dev.sweeprunner.records.EpochConfusion;
import dev.sweeprunner.records.EpochRecord;
import dev.sweeprunner.records.Provenance;
import dev.sweeprunner.records.TrialRecord;
import dev.sweeprunner.records.TrialStatus;
import dev.sweeprunner.spec.DatasetShape;
import dev.sweeprunner.spec.Families;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import java.util.stream.IntStream;

/**
 * report.html: the report as one self-contained page. The page is a fixed template
 * ({@code report.html} and {@code report.js} beside this class) with Chart.js, read from its webjar,
 * and the results as JSON inlined, so it opens from a copied results directory with no network (its
 * Content-Security-Policy refuses any request, so nothing can quietly depend on one).
 * Every number comes from the report's own aggregation ({@link Group}, {@link Stats},
 * {@link ClassMetrics}, the tables of {@link ReportMarkdown}, {@link ComparisonTable} and
 * {@link Tables}); the page's script only draws and sorts.
 */
final class ReportHtml {
    /** The template's lines that are replaced by a script element. */
    static final String LIBRARY_SLOT = "<!-- chart library -->";
    static final String DATA_SLOT = "<!-- data -->";
    static final String APP_SLOT = "<!-- app -->";
    /** The id of the JSON script element, read by report.js. */
    static final String DATA_ID = "report-data";

    /** Curve series the page can overlay, in menu order: JSON key, label, value per epoch (accuracies in %). */
    private static final List<CurveMetric> CURVE_METRICS = List.of(
            new CurveMetric("test_acc", "test accuracy (%)", e -> 100 * e.testAcc()),
            new CurveMetric("val_acc", "validation accuracy (%)", e -> 100 * e.valAcc()),
            new CurveMetric("train_acc", "training accuracy (%)", e -> 100 * e.trainAcc()),
            new CurveMetric("test_loss", "test loss", EpochRecord::testLoss),
            new CurveMetric("val_loss", "validation loss", EpochRecord::valLoss),
            new CurveMetric("train_loss", "training loss", EpochRecord::trainLoss));

    private record CurveMetric(String key, String label, ToDoubleFunction<EpochRecord> value) {}

    /** A trial table column from trial.json's provenance. */
    private record ProvenanceColumn(String name, boolean numeric, Function<Provenance, String> value) {}

    private static final List<ProvenanceColumn> PROVENANCE = List.of(
            new ProvenanceColumn("device", false, Provenance::device),
            new ProvenanceColumn("threads", true, p -> Integer.toString(p.intraOpThreads())),
            new ProvenanceColumn("runner", false, Provenance::runnerVersion),
            new ProvenanceColumn("commit", false, ReportHtml::commit),
            new ProvenanceColumn("DJL", false, Provenance::djlVersion),
            new ProvenanceColumn("PyTorch", false, Provenance::pytorchVersion),
            new ProvenanceColumn("engine", false, Provenance::engine),
            new ProvenanceColumn("JVM", false, Provenance::jvm),
            new ProvenanceColumn("OS", false, Provenance::os),
            new ProvenanceColumn("host", false, Provenance::host),
            new ProvenanceColumn("CPU", false, Provenance::cpu),
            new ProvenanceColumn("cores", true, p -> Integer.toString(p.cores())));

    /** Everything the page shows; field names are what report.js reads. */
    record Page(String experiment, String description, String chartLibrary, int trials, int completed,
            List<String> classes, Table overview, List<FamilyTable> comparisons, Table folds, Table neighbours,
            List<Family> accuracy, List<CurveChoice> curveMetrics, List<Curve> curves, List<F1Row> f1,
            List<Confusion> confusions, Table trialTable,
            @JsonInclude(JsonInclude.Include.NON_NULL) SearchPage search) {}

    /**
     * A search's section (absent for a plain grid): the sentences of report.md ({@code chosen} null
     * while no configuration ran to the end), its best-so-far and rungs tables, and the points of the two best-so-far charts (objective scaled as the axis says).
     */
    record SearchPage(String summary, String chosen, Table table, boolean pruned, Table rungs, String axis,
            List<SearchPoint> points) {}

    record SearchPoint(int number, Double objective, Double best, Double cpuS, boolean ranToEnd, String status) {}

    record FamilyTable(String family, Table table) {}

    /** An entry of the learning-curve metric menu. */
    record CurveChoice(String key, String label) {}

    /** One family's configurations, smallest first: a line with error bars. */
    record Family(String family, List<Point> points) {}

    /** A configuration: test accuracy (%) and training time (s) as mean and sample std over its members. */
    record Point(String group, String network, long params, int n, Double acc, Double accStd, Double time,
            Double timeStd) {}

    /** One trial's epochs; {@code group} (its configuration, "" when it did not complete) picks its colour. */
    record Curve(String id, String family, String group, String label, String status, List<Integer> epochs,
            Map<String, List<Double>> values) {}

    /** Per-class test F1 at the last epoch of one configuration: mean and std over members. */
    record F1Row(String group, String family, String network, int n, List<Double> mean, List<Double> std,
            Double macro) {}

    /** One confusion matrix of one trial: counts[true][predicted]. */
    record Confusion(String id, String label, String at, int epoch, List<List<Long>> counts) {}

    private ReportHtml() {}

    static void write(Writer out, Report.Results results) throws IOException {
        String template = resource(ReportHtml.class, "report.html");
        String data = json(page(results));
        for (String line : template.lines().toList()) {
            switch (line.strip()) {
                case LIBRARY_SLOT -> script(out, "", library());
                case DATA_SLOT -> script(out, " id=\"" + DATA_ID + "\" type=\"application/json\"", data);
                case APP_SLOT -> script(out, "", resource(ReportHtml.class, "report.js"));
                default -> out.write(line + "\n");
            }
        }
        out.flush();
    }

    static Page page(Report.Results results) {
        List<Group> groups = results.groups();
        List<String> families = families(groups);
        List<FamilyTable> comparisons = families.stream()
                .map(f -> new FamilyTable(Families.title(f),
                        ComparisonTable.table(ComparisonTable.family(groups, f))))
                .toList();
        List<Family> accuracy = families.stream().map(f -> new Family(Families.title(f),
                ComparisonTable.family(groups, f).stream().sorted(Comparator.comparingLong(g -> g.first().params()))
                        .map(ReportHtml::point).toList())).toList();
        List<CurveChoice> curveMetrics = CURVE_METRICS.stream().map(m -> new CurveChoice(m.key(), m.label()))
                .toList();
        Map<String, String> groupOf = groupOf(groups);
        List<Curve> curves = results.trials().stream().filter(t -> !t.result().epochs().isEmpty())
                .map(t -> curve(t, groupOf)).toList();
        List<Confusion> confusions = new ArrayList<>();
        for (TrialSummary t : results.trials()) {
            for (EpochConfusion c : ReportMarkdown.heatmapsOf(t)) {
                confusions.add(new Confusion(t.trial().trialId(), label(t.trial()), c.at().csvName(), c.epoch(),
                        counts(c.matrix())));
            }
        }
        int completed = (int) results.trials().stream()
                .filter(t -> t.trial().status() == TrialStatus.COMPLETED).count();
        return new Page(results.experiment(), results.description(), "Chart.js " + chartJsVersion(),
                results.trials().size(), completed, DatasetShape.CLASS_NAMES, ReportMarkdown.overview(groups),
                comparisons, Tables.folds(groups), Neighbours.table(Neighbours.of(groups), groups), accuracy,
                curveMetrics, curves, f1Rows(groups), confusions,
                trialTable(results.trials(), groups), results.search().map(ReportHtml::search).orElse(null));
    }

    private static SearchPage search(SearchProgress search) {
        SearchChart chart = SearchChart.of(search);
        List<SearchPoint> points = chart.points().stream().map(p -> new SearchPoint(p.number(),
                number(chart.scale() * p.objective()), number(chart.scale() * p.bestSoFar()),
                number(p.cumulativeCpuS()), p.ranToEnd(), p.status())).toList();
        return new SearchPage(ReportMarkdown.searchSummary(search).replace("`", ""),
                search.chosen().isPresent() ? ReportMarkdown.chosen(search) : null, ReportMarkdown.searchTable(search),
                search.pruned(), ReportMarkdown.rungsTable(search), chart.axis(), points);
    }

    /** Architecture families present, in the registry's report order (see {@link Families}). */
    static List<String> families(List<Group> groups) {
        return Families.inReportOrder(groups.stream().map(g -> g.first().setting("arch")).toList());
    }

    private static Point point(Group g) {
        Stats acc = g.stats(Metric.TEST_ACC);
        Stats time = g.stats(Metric.TRAINING_TIME_S);
        return new Point(g.id(), g.first().network(), g.first().params(), g.n(), number(100 * acc.mean()),
                number(100 * acc.std()), number(time.mean()), number(time.std()));
    }

    private static Curve curve(TrialSummary t, Map<String, String> groupOf) {
        List<EpochRecord> epochs = t.result().epochs();
        Map<String, List<Double>> values = new LinkedHashMap<>();
        for (CurveMetric m : CURVE_METRICS) {
            values.put(m.key(), epochs.stream().map(e -> number(m.value().applyAsDouble(e))).toList());
        }
        return new Curve(t.trial().trialId(), Families.title(t.trial().setting("arch")),
                groupOf.getOrDefault(t.trial().trialId(), ""), label(t.trial()),
                t.trial().status().csvName(), epochs.stream().map(EpochRecord::epoch).toList(), values);
    }

    /** Per class, the configuration's mean F1 over members whose last epoch has a confusion matrix. */
    private static List<F1Row> f1Rows(List<Group> groups) {
        List<F1Row> rows = new ArrayList<>();
        for (Group g : groups) {
            Map<String, List<ClassMetrics.ClassRow>> byTrial = new HashMap<>();
            for (TrialSummary t : g.members()) {
                byTrial.put(t.trial().trialId(), lastEpochClasses(t));
            }
            List<Stats> stats = IntStream.range(0, DatasetShape.CLASS_NAMES.size()).mapToObj(c -> g.stats(t -> {
                List<ClassMetrics.ClassRow> classes = byTrial.get(t.trial().trialId());
                return classes.isEmpty() ? Double.NaN : classes.get(c).f1();
            })).toList();
            if (stats.stream().allMatch(s -> Double.isNaN(s.mean()))) {
                continue;
            }
            rows.add(new F1Row(g.id(), Families.title(g.first().setting("arch")), g.first().network(),
                    g.n(), stats.stream().map(s -> number(s.mean())).toList(),
                    stats.stream().map(s -> number(s.std())).toList(), number(g.stats(Metric.MACRO_F1).mean())));
        }
        return rows;
    }

    /** As {@link TrialSummary}'s macro F1: the last confusion matrix, if it is the last epoch's. */
    private static List<ClassMetrics.ClassRow> lastEpochClasses(TrialSummary t) {
        return t.result().confusion(EpochConfusion.At.LAST)
                .filter(c -> t.result().last().map(EpochRecord::epoch).orElse(-1) == c.epoch())
                .map(c -> ClassMetrics.rows(c.matrix(), DatasetShape.CLASS_NAMES)).orElse(List.of());
    }

    private static List<List<Long>> counts(ConfusionMatrix m) {
        return IntStream.range(0, m.classes())
                .mapToObj(t -> IntStream.range(0, m.classes()).mapToObj(p -> m.count(t, p)).toList()).toList();
    }

    /** "784-58-61-10 seed 1 (2ba0ddc9f3)": what tells trials of one family apart. */
    private static String label(TrialRecord trial) {
        StringBuilder label = new StringBuilder(trial.network());
        for (String key : Group.MEMBER_KEYS) {
            if (!trial.setting(key).isEmpty()) {
                label.append(' ').append(key).append(' ').append(trial.setting(key));
            }
        }
        return label.append(" (").append(trial.trialId()).append(')').toString();
    }

    /**
     * Every trial, completed or not: the settings that tell trials apart (those that vary, and the
     * seed), its outcome, and what trial.json says about where and with what it ran.
     */
    static Table trialTable(List<TrialSummary> trials, List<Group> groups) {
        List<String> settings = distinguishingSettings(trials);
        Table.Builder table = new Table.Builder().text("trial").text("model").number("weights").text("network");
        for (String key : settings) {
            boolean numeric = trials.stream().map(t -> t.trial().setting(key)).filter(v -> !v.isEmpty())
                    .allMatch(ReportHtml::isNumber);
            if (numeric) {
                table.number(key);
            } else {
                table.text(key);
            }
        }
        table.text("status").number("epochs run").number("test acc %").number("time (s)").text("group")
                .text("started").text("finished");
        PROVENANCE.forEach(c -> {
            if (c.numeric()) {
                table.number(c.name());
            } else {
                table.text(c.name());
            }
        });
        table.text("error");
        Map<String, String> groupOf = groupOf(groups);
        for (TrialSummary t : trials) {
            TrialRecord r = t.trial();
            List<String> row = new ArrayList<>(List.of(r.trialId(), Families.title(r.setting("arch")),
                    String.format(Locale.ROOT, "%,d", r.params()), r.network()));
            settings.forEach(key -> row.add(r.setting(key)));
            double acc = t.value(Metric.TEST_ACC);
            row.addAll(List.of(r.status().csvName(), Integer.toString(r.epochsCompleted()),
                    Double.isNaN(acc) ? "" : String.format(Locale.ROOT, "%.2f", 100 * acc),
                    String.format(Locale.ROOT, "%.1f", r.trainingTimeS()), groupOf.getOrDefault(r.trialId(), ""),
                    text(r.startedAt()), text(r.finishedAt())));
            Provenance p = r.provenance();
            PROVENANCE.forEach(c -> row.add(p == null ? "" : text(c.value().apply(p))));
            row.add(text(r.error()));
            table.row(row);
        }
        return table.build();
    }

    /** Config keys whose values differ between trials, in config order, and always the seed and fold if set. */
    private static List<String> distinguishingSettings(List<TrialSummary> trials) {
        LinkedHashSet<String> keys = new LinkedHashSet<>();
        trials.forEach(t -> keys.addAll(t.trial().config().keySet()));
        keys.remove("arch"); // the model column
        return keys.stream().filter(key -> Group.MEMBER_KEYS.contains(key)
                || trials.stream().map(t -> t.trial().setting(key)).distinct().count() > 1).toList();
    }

    private static boolean isNumber(String text) {
        try {
            Double.parseDouble(text);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** Trial id to its configuration's group id; trials that did not complete belong to none. */
    private static Map<String, String> groupOf(List<Group> groups) {
        Map<String, String> groupOf = new HashMap<>();
        groups.forEach(g -> g.members().forEach(m -> groupOf.put(m.trial().trialId(), g.id())));
        return groupOf;
    }

    private static String commit(Provenance p) {
        String commit = text(p.gitCommit());
        String shortCommit = commit.length() > 10 ? commit.substring(0, 10) : commit;
        return p.gitDirty() ? shortCommit + " (dirty)" : shortCommit;
    }

    private static String text(String value) {
        return value == null ? "" : value;
    }

    /** JSON has no NaN: a missing value is null. */
    private static Double number(double value) {
        return Double.isNaN(value) || Double.isInfinite(value) ? null : value;
    }

    private static void script(Writer out, String attributes, String body) throws IOException {
        out.write("<script" + attributes + ">\n");
        out.write(body);
        out.write("\n</script>\n");
    }

    /**
     * The page's data as JSON that cannot end its script element: '<', '>' and '&' are written as
     * \\u escapes, so no "</script>" or "<!--" can appear in any string.
     */
    static String json(Page page) {
        ObjectMapper mapper = new ObjectMapper();
        mapper.getFactory().setCharacterEscapes(new ScriptSafeEscapes());
        try {
            return mapper.writeValueAsString(page);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("records of plain values always serialise", e);
        }
    }

    private static final class ScriptSafeEscapes extends CharacterEscapes {
        private final int[] escapes = standardAsciiEscapesForJSON();

        ScriptSafeEscapes() {
            for (char c : new char[] {'<', '>', '&'}) {
                escapes[c] = ESCAPE_STANDARD;
            }
        }

        @Override
        public int[] getEscapeCodesForAscii() {
            return escapes;
        }

        @Override
        public SerializableString getEscapeSequence(int ch) {
            return null; // only the standard \\uXXXX escapes above
        }
    }

    /** Chart.js's minified bundle from its webjar, without the source-map comment (the map is not shipped). */
    static String library() {
        String path = "/META-INF/resources/webjars/chart.js/" + chartJsVersion() + "/dist/chart.umd.min.js";
        String js = resource(ReportHtml.class, path).replaceAll("(?m)^//# sourceMappingURL=.*$", "");
        if (js.toLowerCase(Locale.ROOT).contains("</script")) {
            throw new IllegalStateException(path + " contains </script and cannot be inlined");
        }
        return js.strip();
    }

    /** The webjar's version, filtered into runner-versions.properties by Maven from the one in pom.xml. */
    static String chartJsVersion() {
        Properties versions = new Properties();
        try (InputStream in = ReportHtml.class.getResourceAsStream("/runner-versions.properties")) {
            if (in == null) {
                throw new IllegalStateException("runner-versions.properties is missing from the classpath");
            }
            versions.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return versions.getProperty("chartjs.version");
    }

    private static String resource(Class<?> owner, String name) {
        try (InputStream in = owner.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is missing from the classpath (a broken build)");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
