package dev.sweeprunner.report;

import dev.sweeprunner.spec.Families;
import dev.sweeprunner.spec.DatasetShape;
import dev.sweeprunner.records.AtomicFiles;
import dev.sweeprunner.records.ConfusionMatrix;
import dev.sweeprunner.records.EpochConfusion;
import dev.sweeprunner.records.EpochRecord;
import java.awt.Color;
import java.awt.Font;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.ToDoubleFunction;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.HeatMapStyler;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * PNG charts drawn by XChart. Sizes are chosen to be readable at 100% zoom on a laptop screen:
 * one chart is 800×500 px, a pair side by side 1400×500.
 */
public final class Plots {
    public static final int WIDTH = 800;
    public static final int HEIGHT = 500;
    /** Beyond this max/min ratio a linear x axis squeezes the small values together; log labels only decades. */
    private static final double LOG_AXIS_SPAN = 30;
    /** From two CPU hours on, the CPU-time axis counts hours: seconds would be five-digit labels. */
    private static final double CPU_HOURS_FROM_S = 7200;
    private static final Font CELL_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 11);

    private Plots() {}

    /** Train and validation loss; train, validation and test accuracy, per epoch. */
    public static void learningCurves(Path file, TrialResult t) {
        String name = t.trial().network() + " (" + t.id() + ")";
        XYChart loss = xy("Loss: " + name, "epoch", "cross-entropy loss");
        series(loss, "train", t.epochs(), EpochRecord::trainLoss, 1);
        series(loss, "validation", t.epochs(), EpochRecord::valLoss, 1);
        XYChart accuracy = xy("Accuracy: " + name, "epoch", "accuracy (%)");
        series(accuracy, "train", t.epochs(), EpochRecord::trainAcc, 100);
        series(accuracy, "validation", t.epochs(), EpochRecord::valAcc, 100);
        series(accuracy, "test", t.epochs(), EpochRecord::testAcc, 100);
        for (XYChart chart : List.of(loss, accuracy)) {
            chart.getStyler().setXAxisDecimalPattern("#");
        }
        side(file, List.of(loss, accuracy));
    }

    /**
     * One point per configuration (mean test accuracy, ± std over seeds/folds as error bars), one
     * line per family, parameters on a log axis (budgets are chosen by factors: 10k, 20k, 50k, 100k)
     * when they span a power of ten.
     */
    public static void accuracyVsParams(Path file, List<Group> groups) {
        save(file, accuracyVsParamsChart(groups));
    }

    static XYChart accuracyVsParamsChart(List<Group> groups) {
        XYChart chart = xy("Test accuracy vs trainable parameters (last epoch; bars: ± std over seeds/folds)",
                "trainable parameters", "test accuracy (%)");
        families(chart, groups, g -> g.first().params(), true);
        return chart;
    }

    /** Accuracy bought per second of training: mean test accuracy against mean training time. */
    public static void accuracyVsTime(Path file, List<Group> groups) {
        XYChart chart = xy("Test accuracy vs training time (last epoch)", "training time (s)", "test accuracy (%)");
        families(chart, groups, g -> g.stats(Metric.TRAINING_TIME_S).mean(), false);
        save(file, chart);
    }

    /**
     * The learning curves of one family (all FCNs, or all CNNs) overlaid: train loss and test
     * accuracy per epoch, each configuration's mean over its seeds/folds, up to the last epoch all
     * its members reached.
     *
     * @param labels each group's name, by group id ({@link Comparison#labels})
     */
    public static void familyCurves(Path file, String arch, List<Group> family, Map<String, String> labels) {
        String name = arch.toUpperCase(Locale.ROOT);
        XYChart loss = xy("Train loss: every " + name + " (mean over seeds/folds)", "epoch",
                "cross-entropy loss");
        XYChart accuracy = xy("Test accuracy: every " + name + " (mean over seeds/folds)", "epoch",
                "test accuracy (%)");
        Set<String> used = new HashSet<>();
        for (Group g : family) {
            String label = labels.getOrDefault(g.id(), g.id()) + " (n = " + g.n() + ")";
            if (!used.add(label)) {
                label += " " + g.id(); // series names must differ
            }
            meanSeries(loss, label, g, EpochRecord::trainLoss, 1);
            meanSeries(accuracy, label, g, EpochRecord::testAcc, 100);
        }
        for (XYChart chart : List.of(loss, accuracy)) {
            chart.getStyler().setXAxisDecimalPattern("#");
            chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideSE).setLegendLayout(Styler.LegendLayout.Vertical);
        }
        loss.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
        side(file, List.of(loss, accuracy));
    }

    /**
     * For a configuration run several times (seeds or folds): each member's validation accuracy per
     * epoch, and each member's best validation accuracy as bars, mean ± std in the title.
     */
    public static void members(Path file, Group g) {
        String label = memberLabel(g);
        XYChart curves = xy("Validation accuracy per " + label + ": " + g.first().network(), "epoch",
                "validation accuracy (%)");
        curves.getStyler().setXAxisDecimalPattern("#");
        List<String> names = new ArrayList<>();
        List<Double> bests = new ArrayList<>();
        for (TrialSummary m : g.members()) {
            String name = label + " " + m.trial().setting(label);
            series(curves, name, m.result().epochs(), EpochRecord::valAcc, 100);
            names.add(name);
            bests.add(100 * m.value(Metric.BEST_VAL_ACC));
        }
        Stats s = g.stats(Metric.BEST_VAL_ACC);
        CategoryChart bars = new CategoryChartBuilder().width(WIDTH).height(HEIGHT)
                .title(String.format(Locale.ROOT, "Best validation accuracy per %s: %.2f ± %.2f %% (n = %d)", label,
                        100 * s.mean(), 100 * s.std(), s.n()))
                .xAxisTitle(label).yAxisTitle("best validation accuracy (%)").build();
        bars.addSeries("best validation accuracy", names, bests);
        bars.getStyler().setLegendVisible(false);
        bars.getStyler().setYAxisMin(Math.floor(bests.stream().mapToDouble(Double::doubleValue).min().orElse(1) - 1));
        bars.getStyler().setYAxisDecimalPattern("0.0");
        side(file, List.of(curves, bars));
    }

    /**
     * A search's progress: each configuration's objective (ran to the end, or stopped earlier:
     * pruned at a rung, failed) and the best so far as a step line, against the configuration's
     * number in the order the search proposed them.
     */
    public static void searchByConfiguration(Path file, SearchChart search) {
        XYChart chart = xy("Best so far against configurations tried", "configuration (in the order proposed)",
                search.axis());
        searchSeries(chart, search, p -> p.number());
        chart.getStyler().setXAxisDecimalPattern("#");
        save(file, chart);
    }

    /** As {@link #searchByConfiguration}, against the estimated CPU time spent up to each configuration's end. */
    public static void searchByCpu(Path file, SearchChart search) {
        double most = search.points().stream().mapToDouble(SearchChart.Point::cumulativeCpuS)
                .filter(Double::isFinite).max().orElse(0);
        boolean hours = most >= CPU_HOURS_FROM_S;
        XYChart chart = xy("Best so far against CPU time (estimated: training time × threads)",
                "cumulative CPU " + (hours ? "hours" : "seconds") + " (estimated)", search.axis());
        double unit = hours ? 3600 : 1;
        searchSeries(chart, search, p -> p.cumulativeCpuS() / unit);
        chart.getStyler().setXAxisDecimalPattern(hours ? "#,##0.0" : "#,###");
        save(file, chart);
    }

    private static void searchSeries(XYChart chart, SearchChart search, ToDoubleFunction<SearchChart.Point> x) {
        List<SearchChart.Point> drawn = search.points().stream().filter(p -> Double.isFinite(x.applyAsDouble(p)))
                .toList();
        scatter(chart, "ran to the end", drawn.stream().filter(p -> p.ranToEnd()).toList(), x,
                SearchChart.Point::objective, search.scale(), SeriesMarkers.CIRCLE);
        scatter(chart, "stopped earlier (at its last epoch)",
                drawn.stream().filter(p -> !p.ranToEnd()).toList(), x, SearchChart.Point::objective, search.scale(),
                SeriesMarkers.CROSS);
        List<SearchChart.Point> best = drawn.stream().filter(p -> !Double.isNaN(p.bestSoFar())).toList();
        if (!best.isEmpty()) {
            chart.addSeries("best so far", best.stream().mapToDouble(x).toArray(),
                    best.stream().mapToDouble(p -> search.scale() * p.bestSoFar()).toArray())
                    .setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Step).setMarker(SeriesMarkers.NONE);
        }
    }

    private static void scatter(XYChart chart, String name, List<SearchChart.Point> points,
            ToDoubleFunction<SearchChart.Point> x, ToDoubleFunction<SearchChart.Point> y, double scale,
            org.knowm.xchart.style.markers.Marker marker) {
        List<SearchChart.Point> present = points.stream().filter(p -> Double.isFinite(y.applyAsDouble(p))).toList();
        if (present.isEmpty()) {
            return;
        }
        chart.addSeries(name, present.stream().mapToDouble(x).toArray(),
                present.stream().mapToDouble(p -> scale * y.applyAsDouble(p)).toArray())
                .setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter).setMarker(marker);
    }

    /** Rows = true class, normalised to % of that class, each cell labelled. */
    public static void confusion(Path file, TrialResult t, EpochConfusion c) {
        ConfusionMatrix m = c.matrix();
        List<Number[]> cells = new ArrayList<>();
        for (int tr = 0; tr < m.classes(); tr++) {
            long support = m.support(tr);
            for (int p = 0; p < m.classes(); p++) {
                double share = support == 0 ? 0 : 100.0 * m.count(tr, p) / support;
                cells.add(new Number[] {p, m.classes() - 1 - tr, share});
            }
        }
        HeatMapChart chart = heatMap(String.format(Locale.ROOT,
                "Confusion (test, %s epoch %d, %% of true class): %s", c.at().csvName(), c.epoch(),
                t.trial().network()), cells);
        chart.getStyler().setMin(0).setMax(100).setRangeColors(new Color[] {Color.WHITE, new Color(0x08306b)});
        save(file, chart);
    }

    /** a − b in images per cell; blue = a predicts that cell less often, red = more often. */
    public static void confusionDifference(Path file, String title, ConfusionMatrix difference) {
        List<Number[]> cells = new ArrayList<>();
        long extreme = 1;
        for (int tr = 0; tr < difference.classes(); tr++) {
            for (int p = 0; p < difference.classes(); p++) {
                long d = difference.count(tr, p);
                extreme = Math.max(extreme, Math.abs(d));
                cells.add(new Number[] {p, difference.classes() - 1 - tr, d});
            }
        }
        HeatMapChart chart = heatMap(title, cells);
        chart.getStyler().setMin(-extreme).setMax(extreme)
                .setRangeColors(new Color[] {new Color(0x2166ac), Color.WHITE, new Color(0xb2182b)})
                .setHeatMapValueDecimalPattern("+0;-0");
        save(file, chart);
    }

    private static HeatMapChart heatMap(String title, List<Number[]> cells) {
        List<String> predicted = DatasetShape.CLASS_NAMES;
        List<String> trueClasses = new ArrayList<>(DatasetShape.CLASS_NAMES);
        java.util.Collections.reverse(trueClasses); // true class 0 at the top, like a printed matrix
        HeatMapChart chart = new HeatMapChartBuilder().width(WIDTH + 100).height(HEIGHT + 200).title(title)
                .xAxisTitle("predicted class").yAxisTitle("true class").build();
        chart.addSeries("confusion", predicted, trueClasses, cells);
        HeatMapStyler styler = chart.getStyler();
        styler.setShowValue(true).setValueFont(CELL_FONT).setHeatMapValueDecimalPattern("0.0");
        styler.setXAxisLabelRotation(45);
        styler.setLegendPosition(Styler.LegendPosition.OutsideE);
        styler.setPlotContentSize(0.95);
        return chart;
    }

    /** Per epoch, the members' mean, over the epochs every member has a value for. */
    private static void meanSeries(XYChart chart, String name, Group g, ToDoubleFunction<EpochRecord> value,
            double scale) {
        int epochs = g.members().stream().mapToInt(m -> m.result().epochs().size()).min().orElse(0);
        List<Double> xs = new ArrayList<>();
        List<Double> ys = new ArrayList<>();
        for (int i = 0; i < epochs; i++) {
            int index = i;
            Stats s = Stats.of(g.members().stream().map(m -> value.applyAsDouble(m.result().epochs().get(index)))
                    .toList());
            if (!Double.isNaN(s.mean())) {
                xs.add((double) g.members().get(0).result().epochs().get(i).epoch());
                ys.add(scale * s.mean());
            }
        }
        if (!xs.isEmpty()) {
            chart.addSeries(name, xs, ys).setMarker(SeriesMarkers.NONE);
        }
    }

    private static void families(XYChart chart, List<Group> groups, ToDoubleFunction<Group> x, boolean logX) {
        // each registered family has its own colour, so a family looks the same in every chart
        for (String arch : Families.inReportOrder(groups.stream().map(g -> g.first().setting("arch")).toList())) {
            List<Group> family = groups.stream().filter(g -> g.first().setting("arch").equals(arch))
                    .sorted(Comparator.comparingDouble(x)).toList();
            if (family.isEmpty()) {
                continue;
            }
            double[] xs = family.stream().mapToDouble(x).toArray();
            double[] ys = family.stream().mapToDouble(g -> 100 * g.stats(Metric.TEST_ACC).mean()).toArray();
            double[] errors = family.stream().mapToDouble(g -> {
                double std = g.stats(Metric.TEST_ACC).std();
                return Double.isNaN(std) ? 0 : 100 * std;
            }).toArray();
            XYSeries s = chart.addSeries(Families.title(arch), xs, ys, errors);
            s.setMarker(SeriesMarkers.CIRCLE);
            Families.byName(arch).map(f -> new Color(f.colour())).ifPresent(colour -> {
                s.setLineColor(colour);
                s.setMarkerColor(colour);
            });
        }
        chart.getStyler().setYAxisDecimalPattern("0.0");
        double[] xs = groups.stream().mapToDouble(x).filter(v -> v > 0).toArray();
        double min = java.util.Arrays.stream(xs).min().orElse(1);
        double max = java.util.Arrays.stream(xs).max().orElse(1);
        // XChart labels a log axis at powers of ten only: within one decade it would have no labels
        boolean crossesDecade = Math.floor(Math.log10(min)) < Math.floor(Math.log10(max));
        if (xs.length > 0 && (logX && crossesDecade || max / min > LOG_AXIS_SPAN)) {
            chart.getStyler().setXAxisLogarithmic(true);
            chart.setXAxisTitle(chart.getXAxisTitle() + ", log scale");
        }
        chart.getStyler().setXAxisDecimalPattern("#,###");
    }

    private static XYChart xy(String title, String xTitle, String yTitle) {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle(xTitle)
                .yAxisTitle(yTitle).build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS).setLegendLayout(Styler.LegendLayout.Horizontal)
                .setMarkerSize(5);
        return chart;
    }

    private static void series(XYChart chart, String name, List<EpochRecord> epochs,
            ToDoubleFunction<EpochRecord> value, double scale) {
        List<EpochRecord> present = epochs.stream().filter(e -> !Double.isNaN(value.applyAsDouble(e))).toList();
        if (present.isEmpty()) {
            return;
        }
        chart.addSeries(name, present.stream().mapToDouble(EpochRecord::epoch).toArray(),
                present.stream().mapToDouble(e -> scale * value.applyAsDouble(e)).toArray());
    }

    private static String memberLabel(Group g) {
        return g.first().config().containsKey("fold") ? "fold" : "seed";
    }

    private static void save(Path file, Chart<?, ?> chart) {
        try {
            AtomicFiles.writeBytes(file, BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot draw " + file, e);
        }
    }

    private static void side(Path file, List<? extends Chart<?, ?>> charts) {
        try {
            ByteArrayOutputStream png = new ByteArrayOutputStream();
            BitmapEncoder.saveBitmap(new ArrayList<>(charts), 1, charts.size(), png, BitmapEncoder.BitmapFormat.PNG);
            AtomicFiles.writeBytes(file, png.toByteArray());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot draw " + file, e);
        }
    }
}
