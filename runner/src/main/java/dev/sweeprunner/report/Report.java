package dev.sweeprunner.report;

import dev.sweeprunner.UserError;
import dev.sweeprunner.spec.DatasetShape;
import dev.sweeprunner.spec.SearchSpec;
import dev.sweeprunner.spec.SpecParser;
import dev.sweeprunner.records.AtomicFiles;
import dev.sweeprunner.records.DamagedRecord;
import dev.sweeprunner.records.EpochConfusion;
import dev.sweeprunner.records.EpochRecord;
import dev.sweeprunner.records.EpochsCsv;
import dev.sweeprunner.records.TrialRecord;
import dev.sweeprunner.records.TrialStore;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.apache.commons.csv.CSVPrinter;

/**
 * Regenerates every derived file of a results directory from its trial records alone, so it also
 * merges directories filled by different machines: {@code epochs.csv}, {@code trials.csv},
 * {@code summary.csv}, {@code comparison.md}, {@code report.md}, {@code report.html}, each trial's
 * {@code classes.csv} and the charts in {@code plots/}.
 */
public final class Report {
    public static final String EPOCHS_CSV = "epochs.csv";
    public static final String TRIALS_CSV = "trials.csv";
    public static final String SUMMARY_CSV = "summary.csv";
    /** Written only when some trials are folds of a k-fold cross-validation. */
    public static final String FOLDS_CSV = "folds.csv";
    public static final String COMPARISON_MD = "comparison.md";
    public static final String REPORT_MD = "report.md";
    /** The same report as one self-contained interactive page (charts inlined, no network). */
    public static final String REPORT_HTML = "report.html";
    public static final String CLASSES_CSV = "classes.csv";
    /** Written only for a search (random or TPE) or when a scheduler pruned trials: one row per configuration. */
    public static final String SEARCH_CSV = "search.csv";
    public static final String PLOTS_DIR = "plots";
    /** Made only on request ({@code runner report --diff}); regeneration keeps them. */
    public static final String DIFF_PREFIX = "confusion-diff-";

    /**
     * Everything the derived files are computed from.
     *
     * @param search the search's progress, when the experiment searches or a scheduler pruned trials
     */
    public record Results(String experiment, String description, List<TrialSummary> trials, List<Group> groups,
            List<TrialStore.Damage> damaged, Optional<SearchProgress> search) {
        public Results(String experiment, String description, List<TrialSummary> trials, List<Group> groups,
                List<TrialStore.Damage> damaged) {
            this(experiment, description, trials, groups, damaged, SearchProgress.of(Optional.empty(), trials));
        }

        public Results(String experiment, String description, List<TrialSummary> trials, List<Group> groups) {
            this(experiment, description, trials, groups, List.of());
        }
    }

    private Report() {}

    /**
     * Reads every trial of the directory, in plan order. A damaged file is named in {@code damaged}
     * and never stops the report: a trial whose trial.json is damaged cannot be placed in a table;
     * one whose epochs.csv or confusion.csv is damaged keeps its row, without the damaged numbers.
     */
    public static Results load(TrialStore store, String experiment, String description) {
        TrialStore.Scan scan = store.scan();
        List<TrialStore.Damage> damaged = new ArrayList<>(scan.damaged());
        List<TrialRecord> records = new ArrayList<>(scan.records());
        records.sort(Comparator.comparingInt(TrialRecord::planIndex).thenComparing(TrialRecord::trialId));
        List<TrialSummary> trials = new ArrayList<>();
        for (TrialRecord trial : records) {
            TrialStore.CheckedEpochs checked = store.checkedEpochs(trial);
            checked.damage().ifPresent(damaged::add);
            List<EpochRecord> epochs = checked.rows();
            List<EpochConfusion> confusions;
            try {
                confusions = checked.damage().isPresent() ? List.of()
                        : store.readConfusion(trial.trialId(), DatasetShape.CLASS_NAMES);
            } catch (DamagedRecord e) {
                damaged.add(new TrialStore.Damage(trial.trialId(), e.file(), e.problem()));
                confusions = List.of();
            }
            trials.add(TrialSummary.of(new TrialResult(trial, epochs, confusions)));
        }
        return new Results(experiment, description, trials, Group.of(trials), List.copyOf(damaged),
                SearchProgress.of(searchSpec(store), trials));
    }

    /**
     * The search block of the experiment file the sweep copied beside its records. Empty when the
     * copy is missing or cannot be parsed: `runner report` names a damaged copy already, and the
     * report then shows a search only if trials were pruned.
     */
    private static Optional<SearchSpec> searchSpec(TrialStore store) {
        Path file = store.resultsDir().resolve(TrialStore.EXPERIMENT_YAML);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(SpecParser.parse(file).search());
        } catch (UserError e) {
            return Optional.empty();
        }
    }

    /** One line per damaged file, saying what the report did without it. */
    public static void warnDamaged(List<TrialStore.Damage> damaged, PrintStream warnings) {
        for (TrialStore.Damage d : damaged) {
            String name = d.file().getFileName().toString();
            String effect = name.equals(TrialStore.TRIAL_JSON) ? "is left out of the tables"
                    : name.equals(TrialStore.CONFUSION_CSV) ? "is in the tables without its confusion matrices"
                    : "is in the tables without its epoch metrics";
            String sweep = name.equals(TrialStore.CONFUSION_CSV) ? "" : "; the next sweep moves it aside and runs the trial again";
            warnings.println("warning: damaged record " + d + "; trial " + d.trialId() + " " + effect + sweep);
        }
    }

    /** Writes every derived file; a chart that cannot be drawn is reported on {@code warnings}, not fatal. */
    public static Results write(TrialStore store, String experiment, String description, PrintStream warnings) {
        return write(store, experiment, description, warnings, new DrawnCharts());
    }

    /** As above, drawing only the charts that {@code charts} did not draw from the same data already. */
    public static Results write(TrialStore store, String experiment, String description, PrintStream warnings,
            DrawnCharts charts) {
        Results results = load(store, experiment, description);
        write(store, results, warnings, charts);
        return results;
    }

    /** Writes the derived files of results already loaded from {@code store}. */
    public static void write(TrialStore store, Results results, PrintStream warnings) {
        write(store, results, warnings, new DrawnCharts());
    }

    private static void write(TrialStore store, Results results, PrintStream warnings, DrawnCharts drawn) {
        warnDamaged(results.damaged(), warnings);
        String experiment = results.experiment();
        String description = results.description();
        Path dir = store.resultsDir();
        AtomicFiles.write(dir.resolve(EPOCHS_CSV), writer -> allEpochs(writer, results.trials()));
        AtomicFiles.write(dir.resolve(TRIALS_CSV),
                writer -> TableFormat.CSV.writeOut(Tables.trials(results.trials(), results.groups()), writer));
        AtomicFiles.write(dir.resolve(SUMMARY_CSV),
                writer -> TableFormat.CSV.writeOut(Tables.summary(results.groups()), writer));
        Table folds = Tables.folds(results.groups());
        if (!folds.rows().isEmpty()) {
            AtomicFiles.write(dir.resolve(FOLDS_CSV), writer -> TableFormat.CSV.writeOut(folds, writer));
        }
        results.search().ifPresent(search -> AtomicFiles.write(dir.resolve(SEARCH_CSV),
                writer -> TableFormat.CSV.writeOut(Tables.search(search), writer)));
        AtomicFiles.write(dir.resolve(COMPARISON_MD), writer -> ComparisonTable.write(writer, experiment,
                description, results.trials(), results.groups()));
        for (TrialSummary t : results.trials()) {
            if (!t.result().confusions().isEmpty()) {
                AtomicFiles.write(store.trialDir(t.trial().trialId()).resolve(CLASSES_CSV),
                        writer -> TableFormat.CSV.writeOut(Tables.classes(t.result().confusions()), writer));
            }
        }
        boolean plotted = drawPlots(dir.resolve(PLOTS_DIR), results, warnings, drawn);
        AtomicFiles.write(dir.resolve(REPORT_MD),
                writer -> ReportMarkdown.write(writer, results, plotted, diffPages(dir)));
        AtomicFiles.write(dir.resolve(REPORT_HTML), writer -> ReportHtml.write(writer, results));
    }

    /**
     * Draws every chart that {@code drawn} has not drawn from the same data, several at once (each
     * chart is its own image; after a sweep the cores are free, and a sweep's early report borrows
     * them for about a second while its last trial trains); false (with a warning) when the JVM
     * cannot render, e.g. no fonts installed.
     */
    private static boolean drawPlots(Path plots, Results results, PrintStream warnings, DrawnCharts drawn) {
        Map<Path, Chart> charts = new LinkedHashMap<>();
        for (TrialSummary t : results.trials()) {
            if (t.result().epochs().isEmpty()) {
                continue;
            }
            charts.put(plots.resolve(ReportMarkdown.curvesPlot(t)),
                    new Chart(t.result(), file -> Plots.learningCurves(file, t.result())));
            for (EpochConfusion c : ReportMarkdown.heatmapsOf(t)) {
                charts.put(plots.resolve(ReportMarkdown.confusionPlot(t, c.at())),
                        new Chart(List.of(t.result(), c), file -> Plots.confusion(file, t.result(), c)));
            }
        }
        if (!results.groups().isEmpty()) {
            charts.put(plots.resolve(ReportMarkdown.ACCURACY_VS_PARAMS),
                    new Chart(results.groups(), file -> Plots.accuracyVsParams(file, results.groups())));
            charts.put(plots.resolve(ReportMarkdown.ACCURACY_VS_TIME),
                    new Chart(results.groups(), file -> Plots.accuracyVsTime(file, results.groups())));
            Map<String, String> labels = Comparison.labels(results.groups());
            for (String arch : ReportMarkdown.families(results.groups())) {
                List<Group> family = results.groups().stream().filter(g -> g.first().setting("arch").equals(arch))
                        .toList();
                charts.put(plots.resolve(ReportMarkdown.familyPlot(arch)), new Chart(List.of(family, labels),
                        file -> Plots.familyCurves(file, arch, family, labels)));
            }
        }
        results.search().ifPresent(search -> {
            SearchChart input = SearchChart.of(search);
            if (input.byConfiguration()) { // XChart cannot draw a chart without a series
                charts.put(plots.resolve(ReportMarkdown.SEARCH_BY_CONFIGURATION),
                        new Chart(input, file -> Plots.searchByConfiguration(file, input)));
            }
            if (input.byCpu()) {
                charts.put(plots.resolve(ReportMarkdown.SEARCH_BY_CPU),
                        new Chart(input, file -> Plots.searchByCpu(file, input)));
            }
        });
        for (Group g : results.groups()) {
            if (g.n() > 1) {
                charts.put(plots.resolve(ReportMarkdown.membersPlot(g)), new Chart(g, file -> Plots.members(file, g)));
            }
        }
        try {
            charts.entrySet().parallelStream()
                    .filter(chart -> !drawn.isCurrent(chart.getKey(), chart.getValue().input()))
                    .forEach(chart -> {
                        chart.getValue().draw().accept(chart.getKey());
                        drawn.drew(chart.getKey(), chart.getValue().input());
                    });
        } catch (IllegalStateException e) {
            // Java2D cannot start while the JVM shuts down (Ctrl-C, SIGTERM); nothing is missing
            warnings.println("warning: charts not drawn while stopping (" + e.getMessage() + "); tables are "
                    + "complete. `runner report " + plots.getParent() + "` draws them.");
            return false;
        } catch (RuntimeException | LinkageError | java.awt.AWTError e) {
            warnings.println("warning: charts not drawn (" + e + "); tables are complete. On Debian: "
                    + "apt-get install fontconfig fonts-dejavu-core");
            return false;
        }
        removeStalePlots(plots, charts.keySet());
        return true;
    }

    /** A chart file's drawing, and everything it is drawn from (value types: equal data, equal input). */
    private record Chart(Object input, Consumer<Path> draw) {}

    /** Charts of trials no longer in the directory go; requested difference charts stay. */
    private static void removeStalePlots(Path plots, Set<Path> drawn) {
        if (!Files.isDirectory(plots)) {
            return;
        }
        try (Stream<Path> files = Files.list(plots)) {
            for (Path file : files.toList()) {
                String name = file.getFileName().toString();
                if (name.endsWith(".png") && !name.startsWith(DIFF_PREFIX) && !drawn.contains(file)) {
                    Files.delete(file);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The difference pages made earlier on request, by file name. */
    static List<String> diffPages(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString())
                    .filter(n -> n.startsWith(DIFF_PREFIX) && n.endsWith(".md")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every trial's rows under one header, printed by the same formatter that wrote them. */
    private static void allEpochs(Writer writer, List<TrialSummary> trials) throws IOException {
        CSVPrinter printer = new CSVPrinter(writer, EpochsCsv.FORMAT);
        EpochsCsv.printHeader(printer);
        for (TrialSummary t : trials) {
            for (EpochRecord row : t.result().epochs()) {
                EpochsCsv.printRow(printer, row, t.trial());
            }
        }
        printer.flush();
    }
}
