package dev.sweeprunner.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sweeprunner.Golden;
import dev.sweeprunner.records.EpochRecord;
import dev.sweeprunner.records.Provenance;
import dev.sweeprunner.records.TrialRecord;
import dev.sweeprunner.records.TrialStatus;
import dev.sweeprunner.records.TrialStore;
import dev.sweeprunner.spec.Monitor;
import dev.sweeprunner.spec.SearchSpec;
import dev.sweeprunner.spec.SourceLocation;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The report of a search, over hand-made trial records: best so far, the chosen configuration,
 * the rungs of a pruning scheduler, search.csv (golden) and the report's search section.
 */
@ExtendWith(Golden.CommaDecimalLocale.class)
class SearchReportTest {
    /** Seconds of training per epoch of every fixture trial, and its intra-op threads. */
    private static final double EPOCH_S = 10;
    private static final int THREADS = 2;
    /** The configurations' epochs setting: what a completed trial ran. */
    private static final int MAX_EPOCHS = 18;

    /**
     * A configuration of the fixture search: its settings, how its trials ended, and each seed's
     * validation accuracy at its last epoch (earlier epochs are 0.01 lower per epoch, so the last
     * is the best; validation loss is 1 − accuracy).
     */
    record Config(double lr, double dropout, TrialStatus status, int epochs, double... peaks) {
        static Config done(double lr, double dropout, double... peaks) {
            return new Config(lr, dropout, TrialStatus.COMPLETED, MAX_EPOCHS, peaks);
        }

        static Config pruned(double lr, double dropout, int epochs, double... peaks) {
            return new Config(lr, dropout, TrialStatus.PRUNED, epochs, peaks);
        }
    }

    private static SearchSpec spec(SearchSpec.Strategy strategy, SearchSpec.Objective objective) {
        return new SearchSpec(strategy, 10, SearchSpec.DEFAULT_SEED, objective, SearchSpec.DEFAULT_GAMMA,
                SearchSpec.DEFAULT_N_STARTUP, SearchSpec.DEFAULT_N_CANDIDATES, java.util.Optional.empty(),
                new SourceLocation("s.yaml", 2, 3));
    }

    private static final SearchSpec TPE = spec(SearchSpec.Strategy.TPE, SearchSpec.Objective.DEFAULT);

    /** Each configuration's trials, one per seed, numbered in plan order as a search writes them. */
    static List<TrialResult> results(List<Config> configs) {
        List<TrialResult> results = new ArrayList<>();
        int planIndex = 0;
        for (int c = 0; c < configs.size(); c++) {
            Config config = configs.get(c);
            for (int s = 0; s < config.peaks().length; s++) {
                String id = String.format("s%02d%d000000", c, s + 1);
                Map<String, Object> settings = new LinkedHashMap<>();
                settings.put("arch", "cnn");
                settings.put("budget", 20000);
                settings.put("optimizer", "adam");
                settings.put("lr", config.lr());
                settings.put("init", "kaiming_uniform");
                settings.put("dropout", config.dropout());
                settings.put("batch_size", 64);
                settings.put("epochs", MAX_EPOCHS);
                settings.put("seed", s + 1);
                boolean trained = config.status() != TrialStatus.FAILED && config.status() != TrialStatus.RUNNING;
                int epochs = trained ? config.epochs() : 0;
                List<EpochRecord> rows = new ArrayList<>();
                for (int e = 1; e <= epochs; e++) {
                    double val = config.peaks()[s] - 0.01 * (epochs - e);
                    rows.add(new EpochRecord(id, e, 1 - val, val, 1 - val, val, 1 - val, val - 0.02, 0.001, EPOCH_S,
                            EPOCH_S * e));
                }
                Provenance provenance = new Provenance("0.1.0", "abc", false, "0.35.1", "2.7.1", "PyTorch", "cpu",
                        THREADS, "jvm", "os", "host", "cpu", 2);
                results.add(new TrialResult(new TrialRecord(id, id + "00", "search", planIndex++, settings, 19876,
                        List.of(8), "1-16-32-gap-10", config.status(), epochs, EPOCH_S * epochs, "s", "f", null,
                        provenance, null), rows, List.of()));
            }
        }
        return results;
    }

    static List<TrialSummary> summaries(List<Config> configs) {
        return results(configs).stream().map(TrialSummary::of).toList();
    }

    private static SearchProgress progress(Optional<SearchSpec> spec, List<Config> configs) {
        return SearchProgress.of(spec, summaries(configs)).orElseThrow();
    }

    static Stream<Arguments> bestSoFar() {
        SearchSpec minLoss = spec(SearchSpec.Strategy.RANDOM, new SearchSpec.Objective(Monitor.VAL_LOSS, false));
        return Stream.of(
                Arguments.of("best so far rises only on an improvement", TPE,
                        List.of(Config.done(1e-3, 0.1, 0.80), Config.done(2e-3, 0.2, 0.85),
                                Config.done(3e-3, 0.3, 0.83), Config.done(4e-3, 0.1, 0.90)),
                        new double[] {0.80, 0.85, 0.83, 0.90}, new double[] {0.80, 0.85, 0.85, 0.90}, 4),
                Arguments.of("objective is the mean over seeds", TPE,
                        List.of(Config.done(1e-3, 0.1, 0.80, 0.90), Config.done(2e-3, 0.2, 0.86, 0.86)),
                        new double[] {0.85, 0.86}, new double[] {0.85, 0.86}, 2),
                Arguments.of("a tie keeps the earlier configuration", TPE,
                        List.of(Config.done(1e-3, 0.1, 0.88), Config.done(2e-3, 0.2, 0.88)),
                        new double[] {0.88, 0.88}, new double[] {0.88, 0.88}, 1),
                Arguments.of("minimising validation loss", minLoss,
                        List.of(Config.done(1e-3, 0.1, 0.80), Config.done(2e-3, 0.2, 0.90),
                                Config.done(3e-3, 0.3, 0.85)),
                        new double[] {0.20, 0.10, 0.15}, new double[] {0.20, 0.10, 0.10}, 2),
                Arguments.of("a pruned configuration does not compete", TPE,
                        List.of(Config.done(1e-3, 0.1, 0.80), Config.pruned(2e-3, 0.2, 2, 0.95),
                                Config.done(3e-3, 0.3, 0.82)),
                        new double[] {0.80, 0.95, 0.82}, new double[] {0.80, 0.80, 0.82}, 3),
                Arguments.of("a failed trial leaves its configuration without an objective", TPE,
                        List.of(new Config(1e-3, 0.1, TrialStatus.FAILED, 0, 0.9), Config.done(2e-3, 0.2, 0.84)),
                        new double[] {Double.NaN, 0.84}, new double[] {Double.NaN, 0.84}, 2),
                Arguments.of("a running configuration has no objective yet", TPE,
                        List.of(new Config(1e-3, 0.1, TrialStatus.RUNNING, 0, 0.9)),
                        new double[] {Double.NaN}, new double[] {Double.NaN}, null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void bestSoFar(String name, SearchSpec spec, List<Config> configs, double[] objectives, double[] best,
            Integer chosen) {
        SearchProgress search = progress(Optional.of(spec), configs);
        assertEquals(configs.size(), search.configurations().size());
        for (int i = 0; i < configs.size(); i++) {
            SearchProgress.Configuration c = search.configurations().get(i);
            assertEquals(i + 1, c.number());
            assertEquals(objectives[i], c.objective(), 1e-9, "objective of configuration " + (i + 1));
            assertEquals(best[i], c.bestSoFar(), 1e-9, "best so far at configuration " + (i + 1));
        }
        assertEquals(Optional.ofNullable(chosen), search.chosen().map(SearchProgress.Configuration::number));
    }

    static Stream<Arguments> shown() {
        List<Config> plain = List.of(Config.done(1e-3, 0.1, 0.8), Config.done(2e-3, 0.2, 0.85));
        List<Config> withPruned = List.of(Config.done(1e-3, 0.1, 0.8), Config.pruned(2e-3, 0.2, 2, 0.7));
        return Stream.of(
                Arguments.of("grid, nothing pruned: no search section", Optional.of(spec(SearchSpec.Strategy.GRID,
                        SearchSpec.Objective.DEFAULT)), plain, Optional.empty()),
                Arguments.of("no experiment file, nothing pruned", Optional.empty(), plain, Optional.empty()),
                Arguments.of("random search", Optional.of(spec(SearchSpec.Strategy.RANDOM,
                        SearchSpec.Objective.DEFAULT)), plain, Optional.of(SearchSpec.Strategy.RANDOM)),
                Arguments.of("tpe search", Optional.of(TPE), plain, Optional.of(SearchSpec.Strategy.TPE)),
                Arguments.of("grid with pruned trials", Optional.of(spec(SearchSpec.Strategy.GRID,
                        SearchSpec.Objective.DEFAULT)), withPruned, Optional.of(SearchSpec.Strategy.GRID)),
                Arguments.of("pruned trials, experiment file unreadable", Optional.empty(), withPruned,
                        Optional.of(SearchSpec.Strategy.GRID)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    void shown(String name, Optional<SearchSpec> spec, List<Config> configs, Optional<SearchSpec.Strategy> shown) {
        assertEquals(shown, SearchProgress.of(spec, summaries(configs)).map(SearchProgress::strategy));
    }

    /** ASHA with reduction 3: nine configurations, six stop at 2 epochs, two at 6, one runs all 18. */
    static List<Config> asha() {
        List<Config> configs = new ArrayList<>();
        double[] peaks = {0.70, 0.84, 0.72, 0.86, 0.74, 0.71, 0.90, 0.73, 0.75};
        int[] epochs = {2, 6, 2, 6, 2, 2, MAX_EPOCHS, 2, 2};
        for (int i = 0; i < peaks.length; i++) {
            TrialStatus status = epochs[i] == MAX_EPOCHS ? TrialStatus.COMPLETED : TrialStatus.PRUNED;
            configs.add(new Config((i + 1) / 1000.0, i / 20.0, status, epochs[i], peaks[i], peaks[i] - 0.02));
        }
        return configs;
    }

    @Test
    void rungsSayWhereEachConfigurationStopped() {
        SearchProgress search = progress(Optional.of(TPE), asha());
        assertTrue(search.pruned());
        assertEquals(List.of(new SearchProgress.Rung(2, 9, 3, 6, 0, List.of(1, 3, 5, 6, 8, 9)),
                new SearchProgress.Rung(6, 3, 1, 2, 0, List.of(2, 4)),
                new SearchProgress.Rung(MAX_EPOCHS, 1, 0, 0, 1, List.of(7))), search.rungs());
        assertEquals(List.of(2, 6, 2, 6, 2, 2, MAX_EPOCHS, 2, 2),
                search.configurations().stream().map(SearchProgress.Configuration::epochs).toList());
        assertEquals(7, search.chosen().orElseThrow().number(), "the only one that ran to the end");
    }

    @Test
    void timeAndCpuAccumulateInConfigurationOrder() {
        SearchProgress search = progress(Optional.of(TPE), asha());
        // two seeds per configuration, EPOCH_S per epoch each, THREADS threads
        double[] epochs = {2, 6, 2, 6, 2, 2, MAX_EPOCHS, 2, 2};
        double total = 0;
        for (int i = 0; i < epochs.length; i++) {
            total += 2 * EPOCH_S * epochs[i];
            SearchProgress.Configuration c = search.configurations().get(i);
            assertEquals(2 * EPOCH_S * epochs[i], c.trainingTimeS(), 1e-9);
            assertEquals(total, c.cumulativeTimeS(), 1e-9);
            assertEquals(THREADS * total, c.cumulativeCpuS(), 1e-9);
        }
    }

    @Test
    void statusOfMixedSeedsNamesTheOneThatNeedsAttention() {
        List<TrialResult> results = new ArrayList<>(results(List.of(Config.done(1e-3, 0.1, 0.8, 0.82))));
        TrialResult second = results.get(1);
        results.set(1, new TrialResult(second.trial().finished(TrialStatus.FAILED, 3, 30, "f", "boom"),
                second.epochs().subList(0, 3), List.of()));
        SearchProgress search = SearchProgress.of(Optional.of(TPE),
                results.stream().map(TrialSummary::of).toList()).orElseThrow();
        SearchProgress.Configuration c = search.configurations().get(0);
        assertEquals(TrialStatus.FAILED, c.status());
        assertEquals(3, c.epochs(), "the epochs every seed reached");
        assertTrue(search.chosen().isEmpty(), "a configuration with a failed seed is not chosen");
    }

    @Test
    void searchCsvIsGolden() throws IOException {
        StringWriter out = new StringWriter();
        TableFormat.CSV.writeOut(Tables.search(progress(Optional.of(TPE), golden())), out);
        Golden.assertMatches("search.csv", out.toString());
    }

    @Test
    void reportMarkdownIsGolden() throws IOException {
        List<TrialSummary> trials = summaries(golden());
        StringWriter out = new StringWriter();
        ReportMarkdown.write(out, new Report.Results("search", "A hand-made TPE search with ASHA.", trials,
                Group.of(trials), List.of(), SearchProgress.of(Optional.of(TPE), trials)), true, List.of());
        Golden.assertMatches("report-search.md", out.toString());
    }

    /** Four configurations with two seeds: completed, pruned at 2 epochs, failed, and the best completed. */
    private static List<Config> golden() {
        return List.of(Config.done(1e-3, 0.1, 0.86, 0.88), Config.pruned(3e-3, 0.0, 2, 0.70, 0.72),
                new Config(5e-4, 0.3, TrialStatus.FAILED, 0, 0.8, 0.8), Config.done(2e-3, 0.2, 0.90, 0.89));
    }

    /**
     * A results directory with the experiment file beside it, as a sweep leaves it: the report reads
     * the search block from experiment.yaml and writes search.csv, the section, and both charts.
     */
    @Test
    void resultsDirectoryGetsTheSearchFiles(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve(TrialStore.EXPERIMENT_YAML), String.join("\n",
                "name: search", "search:", "  strategy: random", "  trials: 4", "  objective: {metric: val_acc}",
                "defaults:", "  lr: {loguniform: [1.0e-4, 1.0e-2]}", "  dropout: {uniform: [0.0, 0.4]}",
                "  epochs: " + MAX_EPOCHS, "  seed: [1, 2]", "grid:", "  - arch: cnn", "    budget: 20000", ""));
        TrialStore store = new TrialStore(dir);
        ReportFixtures.write(store, results(golden()));
        ByteArrayOutputStream warnings = new ByteArrayOutputStream();
        Report.Results results = Report.write(store, "search", "", new PrintStream(warnings, true,
                StandardCharsets.UTF_8));
        assertEquals(SearchSpec.Strategy.RANDOM, results.search().orElseThrow().strategy());
        List<String> csv = Files.readAllLines(dir.resolve(Report.SEARCH_CSV));
        assertEquals(1 + golden().size(), csv.size(), "a header and one row per configuration");
        String report = Files.readString(dir.resolve(Report.REPORT_MD));
        assertTrue(report.contains("## Search\n\nRandom search, objective `max val_acc`"), report);
        assertTrue(report.contains("### Rungs"), "a configuration was pruned");
        String html = Files.readString(dir.resolve(Report.REPORT_HTML));
        assertTrue(html.contains("\"search\":{\"summary\":\"Random search"), "report.html carries the search");
        String trials = Files.readString(dir.resolve(Report.TRIALS_CSV));
        assertEquals(2, trials.lines().filter(l -> l.endsWith(",pruned")).count(), "pruned trials stay in trials.csv");
        if (warnings.toString(StandardCharsets.UTF_8).isEmpty()) { // charts drawn (fonts installed)
            for (String chart : List.of(ReportMarkdown.SEARCH_BY_CONFIGURATION, ReportMarkdown.SEARCH_BY_CPU)) {
                assertTrue(Files.size(dir.resolve(Report.PLOTS_DIR).resolve(chart)) > 0, chart);
                assertTrue(report.contains(Report.PLOTS_DIR + "/" + chart), chart + " linked from report.md");
            }
        }
    }

    @Test
    void gridReportHasNoSearchFiles(@TempDir Path dir) throws IOException {
        TrialStore store = new TrialStore(dir);
        ReportFixtures.writeGridTo(store);
        Report.Results results = Report.write(store, "grid", "", new PrintStream(new ByteArrayOutputStream(), true,
                StandardCharsets.UTF_8));
        assertTrue(results.search().isEmpty());
        assertFalse(Files.exists(dir.resolve(Report.SEARCH_CSV)));
        assertFalse(Files.readString(dir.resolve(Report.REPORT_MD)).contains("## Search"));
        String[] plots = dir.resolve(Report.PLOTS_DIR).toFile().list(); // null when no fonts to draw with
        assertFalse(plots != null && Arrays.stream(plots).anyMatch(f -> f.startsWith("search")));
    }
}
