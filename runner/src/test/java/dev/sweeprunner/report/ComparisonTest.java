package dev.sweeprunner.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sweeprunner.UserError;
import dev.sweeprunner.records.TrialRecord;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Selecting the two sides, pairing their repeats, and finding neighbouring configurations ({@link ReportFixtures#GRID}). */
class ComparisonTest {
    private static final Report.Results GRID = results(ReportFixtures.gridSummaries());
    private static final double TOLERANCE = 1e-9;

    private static Report.Results results(List<TrialSummary> trials) {
        return new Report.Results("grid", "", trials, Group.of(trials));
    }

    record Selection(String name, String spec, List<String> ids) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Selection> selections() {
        String fcn50 = GRID.groups().get(0).id();
        return Stream.of(
                new Selection("one configuration by its settings", "arch=fcn,budget=50000",
                        List.of("t010000000", "t020000000", "t030000000")),
                new Selection("numbers compare by value, as --only", "budget=5e4,arch=fcn",
                        List.of("t010000000", "t020000000", "t030000000")),
                new Selection("some of its seeds", "arch=fcn,budget=50000,seed=1,3", List.of("t010000000", "t030000000")),
                new Selection("a configuration id prefix", fcn50.substring(0, 6),
                        List.of("t010000000", "t020000000", "t030000000")),
                new Selection("a trial id prefix: that trial alone", "t02", List.of("t020000000")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("selections")
    void selects(Selection c) {
        assertEquals(c.ids(), Comparison.select(GRID, "A", c.spec()).stream().map(t -> t.trial().trialId()).toList());
    }

    record Refused(String name, String spec, String message) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Refused> refused() {
        return Stream.of(
                new Refused("several configurations", "arch=fcn",
                        "compare: A 'arch=fcn' selects 3 configurations; add one of budget=50000|100000|200000 to pick one"),
                new Refused("a value no trial has", "arch=rnn",
                        "compare: A 'arch=rnn': no completed trial has arch=rnn (values: cnn, fcn)"),
                new Refused("a key no trial has", "archx=1", "compare: A 'archx=1': no completed trial sets 'archx' (keys: "
                        + "arch, batch_size, budget, dropout, epochs, init, lr, optimizer, seed)"),
                new Refused("no trial has all", "arch=cnn,budget=200000",
                        "compare: A 'arch=cnn,budget=200000': no completed trial has all of {arch=[cnn], budget=[200000]}"),
                new Refused("malformed", "=3",
                        "compare: A '=3': expected KEY=VALUE[,VALUE][,KEY=VALUE...] (e.g. arch=fcn,budget=100000)"),
                new Refused("no such id", "zz", "compare: A 'zz' is neither a trial id (trials.csv) nor a configuration "
                        + "id (summary.csv, column group) nor a KEY=VALUE selection"),
                new Refused("an ambiguous prefix", "t0", "compare: A 't0' starts 3 trial and configuration ids; give "
                        + "more of it"),
                new Refused("a failed trial", "t99", "compare: A 't99' is trial t990000000, which failed: only "
                        + "completed trials have results to compare"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refused")
    void refusesWithOneLine(Refused c) {
        UserError e = assertThrows(UserError.class, () -> Comparison.select(GRID, "A", c.spec()));
        assertEquals(c.message(), e.getMessage());
    }

    @Test
    void theSameTrialsOnBothSidesAreRefused() {
        UserError e = assertThrows(UserError.class,
                () -> Comparison.within(GRID, "arch=fcn,budget=50000", "t01", List.of(Metric.TEST_ACC)));
        assertTrue(e.getMessage().contains("select the same trial(s) [t010000000]"), e.getMessage());
    }

    @Test
    void sameSeedsArePairedOtherwiseWelch() {
        List<TrialSummary> fcn50 = Comparison.select(GRID, "A", "arch=fcn,budget=50000");
        List<TrialSummary> fcn100 = Comparison.select(GRID, "B", "arch=fcn,budget=100000");
        // scipy stats.ttest_rel([0.880, 0.889, 0.884], [0.870, 0.875, 0.872]): p = 0.009132611386275458
        Difference paired = Comparison.of(fcn100, fcn50, Metric.TEST_ACC);
        assertEquals(Difference.Test.PAIRED, paired.test());
        assertEquals(0.012, paired.difference(), TOLERANCE);
        assertEquals(0.009132611386275458, paired.p(), 1e-9);
        // seeds 1, 2 against 1, 2, 3 do not pair one to one
        assertEquals(Difference.Test.WELCH, Comparison.of(fcn100.subList(0, 2), fcn50, Metric.TEST_ACC).test());
        // seeds 1, 2 against 2, 3: the same n, other seeds
        assertEquals(Difference.Test.WELCH, Comparison.of(fcn100.subList(0, 2), fcn50.subList(1, 3), Metric.TEST_ACC)
                .test());
        Difference single = Comparison.of(Comparison.select(GRID, "A", "budget=200000"), fcn100, Metric.TEST_ACC);
        assertEquals(Difference.Untested.N_ONE, single.untested());
    }

    @Test
    void withinNamesTheSidesByWhatDiffers() {
        Comparison.Result r = Comparison.within(GRID, "arch=fcn,budget=50000", "arch=cnn,budget=50000",
                List.of(Metric.TEST_ACC, Metric.EPOCHS_TO_88));
        assertEquals("arch=fcn (FCN 784-58-61-10)", r.a().label());
        assertEquals("arch=cnn (CNN 1-24-48-88-gap-10)", r.b().label());
        assertEquals("seeds 1, 2, 3", r.a().repeats());
        assertEquals(List.of(Metric.TEST_ACC, Metric.EPOCHS_TO_88), r.rows().stream().map(Comparison.Row::metric).toList());
        // scipy stats.ttest_rel([0.870, 0.875, 0.872], [0.900, 0.905, 0.903]) (A − B = FCN − CNN)
        assertEquals(-0.03033333333333336, r.rows().get(0).difference().difference(), TOLERANCE);
        assertEquals(0.00012073649304491944, r.rows().get(0).difference().p(), 1e-9);
        // the FCN seeds never reach 88%: no comparison rather than one over the seeds that did
        assertEquals(Difference.Untested.MISSING, r.rows().get(1).difference().untested());
    }

    @Test
    void betweenMatchesConfigurationsAndListsTheRest() {
        List<TrialSummary> fewer = ReportFixtures.gridSummaries().stream()
                .filter(t -> !t.trial().setting("arch").equals("cnn")).toList();
        Comparison.Result r = Comparison.between(GRID, "all", results(fewer), "fcn only", List.of(Metric.TEST_ACC));
        assertEquals(List.of("FCN 784-58-61-10", "FCN 784-110-109-10", "FCN 784-199-204-10"),
                r.rows().stream().map(Comparison.Row::configuration).toList());
        assertEquals(List.of("CNN 1-24-48-88-gap-10", "CNN 1-33-66-131-gap-10"), r.onlyInA());
        assertEquals(List.of(), r.onlyInB());
        // the same runs on both sides: paired differences are all 0, no spread to test against
        assertEquals(Difference.Untested.NO_SPREAD, r.rows().get(0).difference().untested());
        assertEquals(Difference.Untested.N_ONE, r.rows().get(2).difference().untested());
        UserError e = assertThrows(UserError.class, () -> Comparison.between(results(fewer), "x",
                results(ReportFixtures.summaries().stream().filter(t -> t.trial().setting("arch").equals("cnn"))
                        .toList()), "y", List.of(Metric.TEST_ACC)));
        assertTrue(e.getMessage().startsWith("compare: x and y have no configuration in common"), e.getMessage());
    }

    @Test
    void betweenIgnoringASettingSetsEachConfigurationAgainstItsTwin() {
        // the same trials with precision: bf16 written into their configs, as a bf16 rerun records them
        List<TrialSummary> bf16 = ReportFixtures.gridSummaries().stream().map(t -> {
            TrialRecord r = t.trial();
            Map<String, Object> config = new LinkedHashMap<>(r.config());
            config.put("precision", "bf16");
            return TrialSummary.of(new TrialResult(new TrialRecord(r.trialId(), r.configHash(), r.experiment(),
                    r.planIndex(), config, r.params(), r.widths(), r.network(), r.status(), r.epochsCompleted(),
                    r.trainingTimeS(), r.startedAt(), r.finishedAt(), r.error(), r.provenance(), r.bestWeights()),
                    t.result().epochs(), t.result().confusions()));
        }).toList();
        UserError none = assertThrows(UserError.class, () -> Comparison.between(GRID, "fp32", results(bf16), "bf16",
                List.of(Metric.TEST_ACC)));
        assertTrue(none.getMessage().contains("no configuration in common"), none.getMessage());
        Comparison.Result r = Comparison.between(GRID, "fp32", results(bf16), "bf16", List.of(Metric.TEST_ACC),
                Set.of("precision"));
        assertEquals(GRID.groups().size(), r.rows().size());
        assertEquals(List.of(), r.onlyInA());
        assertEquals(List.of(), r.onlyInB());
        // both directories together: fp32 and bf16 twins differ only in the ignored setting
        List<TrialSummary> both = new java.util.ArrayList<>(ReportFixtures.gridSummaries());
        both.addAll(bf16);
        UserError twins = assertThrows(UserError.class, () -> Comparison.between(results(both), "both", GRID, "fp32",
                List.of(Metric.TEST_ACC), Set.of("precision")));
        assertTrue(twins.getMessage().startsWith("compare --ignore precision: both has configurations that differ "
                + "only in ignored settings"), twins.getMessage());
    }

    @Test
    void neighboursAreOneGridStepApartAndRunMoreThanOnce() {
        List<Neighbours.Pair> pairs = Neighbours.of(GRID.groups());
        // the 200k FCN ran once: no step from 100k to it; FCN and CNN at one budget are a step along arch
        assertEquals(List.of("budget 784-58-61-10 -> 784-110-109-10", "budget 1-24-48-88-gap-10 -> 1-33-66-131-gap-10",
                        "arch 784-58-61-10 -> 1-24-48-88-gap-10", "arch 784-110-109-10 -> 1-33-66-131-gap-10"),
                pairs.stream().map(p -> p.axis() + " " + p.from().first().network() + " -> " + p.to().first().network())
                        .toList());
        // to − from, paired over seeds 1-3; expected values from scipy stats.ttest_rel(to, from)
        double[][] expected = {
            {0.012, 0.007031724576499346, 0.016968275423500677, 0.009132611386275458},
            {0.006666666666666672, -0.00558729367926004, 0.018920627012593384, 0.14407901497817416},
            {0.03033333333333336, 0.028899115756750207, 0.031767550909916516, 0.00012073649304491944},
            {0.025, 0.007611036017747697, 0.04238896398225235, 0.02515157714554695}};
        for (int i = 0; i < pairs.size(); i++) {
            Difference d = pairs.get(i).difference();
            assertEquals(Difference.Test.PAIRED, d.test());
            assertEquals(expected[i][0], d.difference(), TOLERANCE);
            assertEquals(expected[i][1], d.low(), 1e-9);
            assertEquals(expected[i][2], d.high(), 1e-9);
            assertEquals(expected[i][3], d.p(), 1e-9);
        }
        assertEquals(List.of(true, false, true, true), pairs.stream().map(p -> p.difference().significant()).toList());
    }

    @Test
    void twoRepeatedConfigurationsAreComparedWhateverTheyDifferIn() {
        List<TrialSummary> two = ReportFixtures.gridSummaries().stream()
                .filter(t -> t.trial().trialId().startsWith("t0") || t.trial().trialId().startsWith("t4")).toList();
        List<Neighbours.Pair> pairs = Neighbours.of(Group.of(two));
        assertEquals(1, pairs.size());
        assertEquals("arch, budget", pairs.get(0).axis());
    }

    @Test
    void noNeighboursWithoutRepeats() {
        assertEquals(List.of(), Neighbours.of(Group.of(ReportFixtures.summaries().stream()
                .filter(t -> t.trial().setting("arch").equals("fcn")).toList())));
    }
}
