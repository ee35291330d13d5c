package dev.sweeprunner.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sweeprunner.plan.PlanOverrides;
import dev.sweeprunner.plan.Planner;
import dev.sweeprunner.plan.Trial;
import dev.sweeprunner.records.EpochRecord;
import dev.sweeprunner.records.Provenance;
import dev.sweeprunner.records.TrialRecord;
import dev.sweeprunner.records.TrialStatus;
import dev.sweeprunner.records.TrialStore;
import dev.sweeprunner.spec.ExperimentSpec;
import dev.sweeprunner.spec.SpecParser;
import dev.sweeprunner.spec.YamlReader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToDoubleBiFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * ASHA as a sweep's trial source, with stand-in training that writes a trial's epoch rows up to
 * the epoch the scheduler asked for (continuing the rows it has, as a checkpoint would) and ends
 * it pruned there or completed at max_epochs.
 */
public class AshaSourceTest {
    @TempDir
    Path dir;

    /** Validation accuracy of a stand-in trial after {@code epoch} epochs, from its lr and seed. */
    private static final ToDoubleBiFunction<Trial, Integer> BY_LR = (trial, epoch) ->
            0.5 + 0.3 * trial.config().lr() + 0.01 * epoch;

    static ExperimentSpec spec(String scheduler, String rest) {
        String yaml = "name: a\nsearch:\n  scheduler: " + scheduler + "\n" + rest;
        return SpecParser.parse(Path.of("a.yaml"), YamlReader.parse("a.yaml", yaml));
    }

    /** Nine configurations whose accuracy grows with lr (1..9 x 0.1), one seed. */
    private static ExperimentSpec nine(int maxEpochs) {
        return spec("{asha: {min_epochs: 1, reduction: 3, max_epochs: " + maxEpochs + "}}", """
                grid:
                  - arch: fcn
                    budget: 20000
                    lr: [0.5, 0.9, 0.2, 0.7, 0.1, 0.4, 0.8, 0.3, 0.6]
                """);
    }

    /** Trains (stands in for) one assignment: rows up to its last epoch, then pruned or completed. */
    /** Where a stand-in trial ends for good before its last epoch: after {@code epoch}, with {@code status}. */
    record Ending(int epoch, TrialStatus status) {}

    static void train(TrialStore store, TrialSource.Assignment work, ToDoubleBiFunction<Trial, Integer> acc) {
        train(store, work, acc, t -> null);
    }

    static void train(TrialStore store, TrialSource.Assignment work, ToDoubleBiFunction<Trial, Integer> acc,
            java.util.function.Function<Trial, Ending> ending) {
        Trial trial = work.trial();
        List<EpochRecord> rows = new ArrayList<>(store.read(trial.id()).isPresent() ? store.readEpochs(trial.id())
                : List.of());
        TrialRecord running = new TrialRecord(trial.id(), trial.configHash(), "a", trial.index(),
                trial.config().toMap(), trial.params(), List.of(), trial.network().describe(), TrialStatus.RUNNING,
                rows.size(), 0.0, "", null, null, new Provenance("0", "", false, "", "", "PyTorch", "cpu", 1, "", "",
                        "", "", 1), null);
        store.write(running);
        Ending end = ending.apply(trial);
        int last = Math.min(work.lastEpoch(), trial.config().epochs());
        if (end != null) {
            last = Math.min(last, end.epoch());
        }
        for (int epoch = rows.size() + 1; epoch <= last; epoch++) {
            double a = acc.applyAsDouble(trial, epoch);
            rows.add(new EpochRecord(trial.id(), epoch, 0.5, a, 1 - a, a, 1 - a, a, 1e-3, 1, epoch));
        }
        try (TrialStore.EpochWriter epochs = store.openEpochs(running)) {
            rows.forEach(epochs::append);
        }
        TrialStatus status = end != null && last == end.epoch() ? end.status()
                : last < trial.config().epochs() ? TrialStatus.PRUNED : TrialStatus.COMPLETED;
        store.write(running.finished(status, rows.size(), 1.0 * rows.size(), "", null));
    }

    /** Runs the scheduler with one slot until it is done or {@code limit} assignments were handed out. */
    static List<String> sweep(AshaSource source, TrialStore store, int limit, ToDoubleBiFunction<Trial, Integer> acc)
            throws InterruptedException {
        return sweep(source, store, limit, acc, t -> null);
    }

    static List<String> sweep(AshaSource source, TrialStore store, int limit, ToDoubleBiFunction<Trial, Integer> acc,
            java.util.function.Function<Trial, Ending> ending) throws InterruptedException {
        List<String> log = new ArrayList<>();
        TrialSource.Assignment work;
        while (log.size() < limit && (work = source.next()) != null) {
            train(store, work, acc, ending);
            source.ended(work.trial());
            log.add(work.trial().config().lr() + "->" + work.lastEpoch());
        }
        return log;
    }

    private AshaSource grid(ExperimentSpec spec, Path results, PrintStream out) {
        return AshaSource.grid(Planner.plan(spec, PlanOverrides.NONE), spec.search(), new TrialStore(results), out);
    }

    /** lr -> "status epochs", in lr order. */
    private static Map<String, String> ends(Path results) {
        Map<String, String> ends = new TreeMap<>();
        for (TrialRecord r : new TrialStore(results).readAll()) {
            ends.merge(r.config().get("lr") + " seed " + r.config().get("seed"), r.status().csvName() + " "
                    + r.epochsCompleted(), (a, b) -> a + "; " + b);
        }
        return ends;
    }

    @Test
    void theTopThirdGoesOnAtEachRungAndPromotedTrialsContinueTheirRows() throws InterruptedException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        TrialStore store = new TrialStore(dir);
        List<String> log = sweep(grid(nine(9), dir, out), store, Integer.MAX_VALUE, BY_LR);
        Map<String, String> ends = ends(dir);
        // rung 1: all nine; 3 continue to epoch 3 (the ones in the top third when they were decided);
        // rung 3: one continues to 9. The best (lr 0.9) must be among the survivors.
        assertEquals("completed 9", ends.get("0.9 seed 1"), log + "\n" + bytes);
        long atOne = ends.values().stream().filter(e -> e.equals("pruned 1")).count();
        long atThree = ends.values().stream().filter(e -> e.equals("pruned 3")).count();
        long atNine = ends.values().stream().filter(e -> e.equals("completed 9")).count();
        assertEquals(9, atOne + atThree + atNine, ends.toString());
        // worked by hand from the rule: after the 3rd configuration the top 1 of 3 (lr 0.9) goes on;
        // after the 6th the top 2 of 6 (0.9 and 0.7); after the 7th, 0.8; then 0.9 is the top 1 of
        // the 3 at epoch 3 and goes on to 9; the last two do not make the top 3 of 9 at epoch 1
        assertEquals(List.of("0.5->1", "0.9->1", "0.2->1", "0.9->3", "0.7->1", "0.1->1", "0.4->1", "0.7->3", "0.8->1",
                "0.8->3", "0.9->9", "0.3->1", "0.6->1"), log, bytes.toString(StandardCharsets.UTF_8));
        assertEquals(2, atThree, ends.toString());
        // every trial's rows run 1..n without a gap or a repeat: a promotion continues them
        for (TrialRecord r : store.readAll()) {
            List<EpochRecord> rows = store.readEpochs(r.trialId());
            for (int i = 0; i < rows.size(); i++) {
                assertEquals(i + 1, rows.get(i).epoch(), r.trialId());
            }
        }
        // 9 x 1 + 3 x 2 + 1 x 6 epochs, against 81 for all nine to the end
        int epochs = store.readAll().stream().mapToInt(TrialRecord::epochsCompleted).sum();
        assertEquals(21, epochs, ends.toString());
        assertTrue(bytes.toString(StandardCharsets.UTF_8).contains("ASHA: configuration 2 continues to 9 epochs"),
                bytes.toString(StandardCharsets.UTF_8));
    }

    static Stream<Arguments> rankings() {
        // two configurations, reduction 2: the better one of the two goes on from epoch 1 to 2
        ToDoubleBiFunction<Trial, Integer> unevenSeeds = (t, e) -> t.config().lr() == 0.1
                ? (t.config().seed() == 1 ? 0.95 : 0.70) // mean 0.825, std 0.177
                : 0.80; // mean 0.80, std 0
        ToDoubleBiFunction<Trial, Integer> oneDiverges = (t, e) -> t.config().lr() == 0.1
                ? (t.config().seed() == 2 ? Double.NaN : 0.99) : 0.60;
        return Stream.of(
                Arguments.of("the mean over seeds decides, not one lucky seed", "", unevenSeeds, "0.1"),
                Arguments.of("mean - 1 std prefers the configuration good on every seed", "std_penalty: 1.0",
                        unevenSeeds, "0.2"),
                Arguments.of("a seed without a finite value makes its configuration the worst", "", oneDiverges,
                        "0.2"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rankings")
    void aRungRanksConfigurationsByTheirSeeds(String name, String objective, ToDoubleBiFunction<Trial, Integer> acc,
            String promoted) throws InterruptedException {
        ExperimentSpec spec = spec("{asha: {min_epochs: 1, reduction: 2, max_epochs: 2}}\n  objective: {metric: "
                + "val_acc" + (objective.isEmpty() ? "" : ", " + objective) + "}", """
                defaults:
                  seed: [1, 2]
                grid:
                  - arch: fcn
                    budget: 20000
                    lr: [0.1, 0.2]
                """);
        sweep(grid(spec, dir, new PrintStream(new ByteArrayOutputStream())), new TrialStore(dir), Integer.MAX_VALUE,
                acc);
        Map<String, String> ends = ends(dir);
        String other = promoted.equals("0.1") ? "0.2" : "0.1";
        assertEquals("completed 2", ends.get(promoted + " seed 1"), ends.toString());
        assertEquals("completed 2", ends.get(promoted + " seed 2"), ends.toString());
        assertEquals("pruned 1", ends.get(other + " seed 1"), ends.toString());
    }

    /**
     * Three configurations, two seeds, reduction 3, rungs 1 and 3: the best (lr 0.3) goes on at
     * epoch 1. A seed that ends for good on its way (early stopping after epoch 2) does not keep its
     * configuration from the rung it was heading to; one that diverges after a rung leaves the
     * value it had there standing.
     */
    @Test
    void seedsThatEndEarlyOrDivergeLaterKeepWhatTheyHadAtTheirRungs() throws InterruptedException {
        ExperimentSpec spec = spec("{asha: {min_epochs: 1, reduction: 3, max_epochs: 9}}", """
                defaults:
                  seed: [1, 2]
                grid:
                  - arch: fcn
                    budget: 20000
                    lr: [0.1, 0.2, 0.3]
                """);
        // lr 0.3's seed 2 stops early after epoch 2 (on its way to rung 3)
        sweep(grid(spec, dir, new PrintStream(new ByteArrayOutputStream())), new TrialStore(dir), Integer.MAX_VALUE,
                BY_LR, t -> t.config().lr() == 0.3 && t.config().seed() == 2
                        ? new Ending(2, TrialStatus.COMPLETED) : null);
        Map<String, String> ends = ends(dir);
        assertEquals("completed 2", ends.get("0.3 seed 2"), ends.toString());
        assertEquals("pruned 3", ends.get("0.3 seed 1"), ends.toString());
        // at rung 3 only lr 0.3 is there (n = 1, the top 0 go on): nothing runs past 3 epochs
        assertEquals("pruned 1", ends.get("0.1 seed 1"), ends.toString());

        Path diverging = dir.resolve("diverging");
        // lr 0.3's seed 1 diverges after epoch 2: its rung-1 value stands, so the rung-1 ranking
        // (and so which configuration went on) is the same when the records are read again
        sweep(grid(spec, diverging, new PrintStream(new ByteArrayOutputStream())), new TrialStore(diverging),
                Integer.MAX_VALUE, BY_LR, t -> t.config().lr() == 0.3 && t.config().seed() == 1
                        ? new Ending(2, TrialStatus.DIVERGED) : null);
        Map<String, String> first = ends(diverging);
        assertEquals("diverged 2", first.get("0.3 seed 1"), first.toString());
        sweep(grid(spec, diverging, new PrintStream(new ByteArrayOutputStream())), new TrialStore(diverging),
                Integer.MAX_VALUE, BY_LR);
        assertEquals(first, ends(diverging), "a restart promotes nothing new: lr 0.3 still ranks first at rung 1");
    }

    @Test
    void aSearchKilledHalfWayAndStartedAgainEndsAsAnUninterruptedOne() throws InterruptedException {
        Path whole = dir.resolve("whole");
        sweep(grid(nine(9), whole, new PrintStream(new ByteArrayOutputStream())), new TrialStore(whole),
                Integer.MAX_VALUE, BY_LR);
        for (int killedAfter : new int[] {4, 10, 12}) {
            Path resumed = dir.resolve("resumed" + killedAfter);
            PrintStream quiet = new PrintStream(new ByteArrayOutputStream());
            sweep(grid(nine(9), resumed, quiet), new TrialStore(resumed), killedAfter, BY_LR);
            sweep(grid(nine(9), resumed, quiet), new TrialStore(resumed), Integer.MAX_VALUE, BY_LR);
            assertEquals(ends(whole), ends(resumed), "killed after " + killedAfter + " assignments");
        }
    }

    /** TPE under ASHA: 12 configurations, 4 at random, then proposed from the first rung's values. */
    private static AshaSource tpe(Path results, PrintStream out) {
        ExperimentSpec spec = SearchTest.spec("tpe", 12, 5, "  n_startup: 4\n"
                + "  scheduler: {asha: {min_epochs: 1, reduction: 3, max_epochs: 9}}\n"
                + "defaults:\n  lr: {uniform: [0.1, 0.9]}\n  seed: [1, 2]\n"
                + "grid:\n  - arch: fcn\n    budget: 20000\n");
        return AshaSource.search(new Search(spec, PlanOverrides.NONE), spec.search(), new TrialStore(results), 1, out);
    }

    @Test
    void aTpeSearchUnderAshaKilledAndStartedAgainProposesAndEndsTheSame() throws InterruptedException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Path whole = dir.resolve("whole");
        List<String> log = sweep(tpe(whole, new PrintStream(bytes, true, StandardCharsets.UTF_8)), new TrialStore(whole),
                Integer.MAX_VALUE, BY_LR);
        assertTrue(bytes.toString(StandardCharsets.UTF_8).contains("TPE proposes configuration 5 of 12"), log.toString());
        assertEquals(24, new TrialStore(whole).readAll().size(), "12 configurations x 2 seeds");
        for (int killedAfter : new int[] {5, 17}) {
            Path resumed = dir.resolve("resumed" + killedAfter);
            PrintStream quiet = new PrintStream(new ByteArrayOutputStream());
            sweep(tpe(resumed, quiet), new TrialStore(resumed), killedAfter, BY_LR);
            sweep(tpe(resumed, quiet), new TrialStore(resumed), Integer.MAX_VALUE, BY_LR);
            assertEquals(ends(whole), ends(resumed), "killed after " + killedAfter + " assignments");
        }
    }

    @Test
    void raisingMaxEpochsContinuesTheSameTrials() throws InterruptedException {
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream());
        TrialStore store = new TrialStore(dir);
        sweep(grid(nine(3), dir, quiet), store, Integer.MAX_VALUE, BY_LR);
        List<String> before = store.readAll().stream().map(TrialRecord::trialId).sorted().toList();
        assertEquals("completed 3", ends(dir).get("0.9 seed 1"));
        sweep(grid(nine(9), dir, quiet), store, Integer.MAX_VALUE, BY_LR);
        List<String> after = store.readAll().stream().map(TrialRecord::trialId).sorted().toList();
        assertEquals(before, after, "a scheduled trial's id leaves its length out");
        assertEquals("completed 9", ends(dir).get("0.9 seed 1"));
        TrialRecord best = store.readAll().stream().max(Comparator.comparingDouble(r -> (Double) r.config().get("lr")))
                .orElseThrow();
        assertEquals(9, store.readEpochs(best.trialId()).size());
    }
}
