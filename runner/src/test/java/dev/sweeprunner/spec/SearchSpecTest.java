package dev.sweeprunner.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sweeprunner.UserError;
import dev.sweeprunner.plan.PlanOverrides;
import dev.sweeprunner.search.Search;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The search: block and distributions: every mistake is one line, FILE:LINE:COL: field: problem. */
class SearchSpecTest {
    private static final String RANDOM = "name: s\nsearch:\n  strategy: random\n  trials: 10\n";
    private static final String TPE = "name: s\nsearch:\n  strategy: tpe\n  trials: 10\n";
    private static final String GRID = "grid:\n  - arch: fcn\n    budget: 50000\n";
    private static final String ASHA = "  scheduler: {asha: {min_epochs: 1, reduction: 3, max_epochs: 9}}\n";

    static Stream<Arguments> badFiles() {
        return Stream.of(
                bad("distribution under a grid", "name: s\ndefaults:\n  lr: {loguniform: [1.0e-4, 1.0e-2]}\n" + GRID,
                        "s.yaml:3:7: defaults.lr: a distribution needs 'search:"),
                bad("distribution under explicit strategy grid", "name: s\nsearch:\n  strategy: grid\ndefaults:\n"
                        + "  dropout: {uniform: [0.0, 0.5]}\n" + GRID, "s.yaml:5:12: defaults.dropout: a distribution needs"),
                bad("trials with a grid", "name: s\nsearch:\n  strategy: grid\n  trials: 5\n" + GRID,
                        "s.yaml:4:3: search.trials: only used with strategy random or tpe"),
                bad("missing trials", "name: s\nsearch:\n  strategy: random\n" + GRID,
                        "s.yaml:3:3: search.trials: required with strategy random"),
                bad("zero trials", "name: s\nsearch:\n  strategy: tpe\n  trials: 0\n" + GRID,
                        "s.yaml:4:11: search.trials: must be between 1"),
                bad("unknown strategy", "name: s\nsearch:\n  strategy: bayes\n  trials: 5\n" + GRID,
                        "s.yaml:3:13: search.strategy: unknown value 'bayes' (expected grid | random | tpe)"),
                bad("unknown search key", RANDOM + "  budget: 3\n" + GRID, "s.yaml:5:3: search.budget: unknown key"),
                bad("tpe setting under random", RANDOM + "  gamma: 0.1\n" + GRID,
                        "s.yaml:5:3: search.gamma: only used with strategy tpe"),
                bad("gamma of one", TPE + "  gamma: 1.0\n" + GRID, "s.yaml:5:10: search.gamma: must be in (0, 1)"),
                bad("test set as objective", TPE + "  objective: {metric: test_acc}\n" + GRID,
                        "search.objective.metric: the test set never steers a search"),
                bad("unknown objective mode", TPE + "  objective: {metric: val_acc, mode: up}\n" + GRID,
                        "search.objective.mode: expected max or min"),
                bad("unknown distribution", RANDOM + "defaults:\n  lr: {normal: [0.1, 0.01]}\n" + GRID,
                        "s.yaml:6:7: defaults.lr: expected a value, a list, or one of {uniform"),
                bad("two distributions", RANDOM + "defaults:\n  lr: {uniform: [0.1, 0.2], loguniform: [0.1, 0.2]}\n"
                        + GRID, "defaults.lr: expected a value, a list, or one of"),
                bad("bounds not a list", RANDOM + "defaults:\n  lr: {uniform: 0.1}\n" + GRID,
                        "defaults.lr.uniform: expected a list"),
                bad("one bound", RANDOM + "defaults:\n  lr: {uniform: [0.1]}\n" + GRID,
                        "defaults.lr.uniform: expected [low, high], got 1 value(s)"),
                bad("low above high", RANDOM + "defaults:\n  lr: {uniform: [0.2, 0.1]}\n" + GRID,
                        "defaults.lr.uniform: low must be below high"),
                bad("loguniform from zero", RANDOM + "defaults:\n  weight_decay: {loguniform: [0.0, 0.1]}\n" + GRID,
                        "defaults.weight_decay.loguniform[0]: loguniform needs a low end above 0"),
                bad("low end outside the field", RANDOM + "defaults:\n  lr: {loguniform: [0.0, 0.1]}\n" + GRID,
                        "s.yaml:6:21: defaults.lr.loguniform[0]: must be in (0, 10]"),
                bad("high end outside the field", RANDOM + "defaults:\n  dropout: {uniform: [0.0, 1.0]}\n" + GRID,
                        "defaults.dropout.uniform[1]: must be in [0, 1)"),
                bad("int bound not whole", RANDOM + "grid:\n  - arch: fcn\n    budget: {int: [10000, 1.5e5]}\n",
                        "grid[0].budget.int[1]: int draws whole numbers"),
                bad("int below the field", RANDOM + "grid:\n  - arch: fcn\n    budget: {intlog: [500, 100000]}\n",
                        "grid[0].budget.intlog[0]: must be between 1000 and"),
                bad("uniform on a whole-number field", RANDOM + "defaults:\n  batch_size: {uniform: [32, 128]}\n" + GRID,
                        "defaults.batch_size.uniform[0]: expected a whole number, got a number 32.0 (batch_size takes "
                                + "whole numbers: use int or intlog)"),
                bad("choice with a bad value", RANDOM + "defaults:\n  optimizer: {choice: [adam, lion]}\n" + GRID,
                        "s.yaml:6:30: defaults.optimizer.choice[1]: unknown value 'lion'"),
                bad("choice of one", RANDOM + "defaults:\n  batch_size: {choice: [64]}\n" + GRID,
                        "defaults.batch_size.choice: list at least two values"),
                bad("choice listed twice", RANDOM + "defaults:\n  batch_size: {choice: [64, 64]}\n" + GRID,
                        "defaults.batch_size.choice[1]: listed twice"),
                bad("distribution on seeds", RANDOM + "defaults:\n  seed: {int: [1, 5]}\n" + GRID,
                        "defaults.seed: not searched: each suggested configuration runs for every listed seed"),
                bad("distribution on a list field", RANDOM + "grid:\n  - hidden: {choice: [64, 128]}\n",
                        "grid[0].hidden: a distribution cannot draw a list"),
                bad("depth of the other arch", RANDOM + "grid:\n  - arch: cnn\n    budget: 50000\n"
                        + "    hidden_layers: {int: [1, 3]}\n",
                        "s.yaml:8:20: grid[0].hidden_layers: does not apply to any trial of this block"),
                bad("depth in defaults that no block uses", RANDOM + "defaults:\n  conv_blocks: {int: [2, 3]}\n" + GRID,
                        "s.yaml:6:16: defaults.conv_blocks: does not apply to any trial of any block"),
                bad("momentum with adam", RANDOM + "defaults:\n  momentum: {uniform: [0.5, 0.99]}\n" + GRID,
                        "defaults.momentum: does not apply"),
                bad("a budget range too small for the deepest network", RANDOM + "grid:\n  - arch: fcn\n"
                        + "    budget: {int: [11000, 50000]}\n    hidden_layers: {int: [1, 3]}\n",
                        "s.yaml:7:13: grid[0].budget: cannot reach 95% of budget 11000"),
                bad("lr_step without a step schedule", RANDOM + "defaults:\n  lr_step: {int: [5, 10]}\n" + GRID,
                        "defaults.lr_step: does not apply"),
                bad("epochs under ASHA", TPE + ASHA + "defaults:\n  epochs: 10\n" + GRID,
                        "s.yaml:7:3: defaults.epochs: under search.scheduler.asha a trial's epochs are the scheduler's"),
                bad("epochs in a grid block under ASHA", "name: s\nsearch:\n" + ASHA + GRID + "    epochs: [5, 10]\n",
                        "s.yaml:7:5: grid[0].epochs: under search.scheduler.asha"),
                bad("scheduler as a trial setting", "name: s\ndefaults:\n  scheduler: asha\n" + GRID,
                        "s.yaml:3:3: defaults.scheduler: set in the search block (search.scheduler)"),
                bad("ASHA without max_epochs", TPE + "  scheduler: {asha: {min_epochs: 2}}\n" + GRID,
                        "search.scheduler.asha.max_epochs: required"),
                bad("ASHA min above max", TPE + "  scheduler: {asha: {min_epochs: 12, max_epochs: 9}}\n" + GRID,
                        "search.scheduler.asha.min_epochs: must be at most max_epochs (9), got 12"),
                bad("ASHA reduction of one", TPE + "  scheduler: {asha: {reduction: 1, max_epochs: 9}}\n" + GRID,
                        "search.scheduler.asha.reduction: must be between 2"),
                bad("unknown scheduler", TPE + "  scheduler: {hyperband: {max_epochs: 9}}\n" + GRID,
                        "search.scheduler.hyperband: unknown key"),
                bad("unknown ASHA key", TPE + "  scheduler: {asha: {max_epochs: 9, grace: 1}}\n" + GRID,
                        "search.scheduler.asha.grace: unknown key"),
                bad("negative std penalty", TPE + "  objective: {metric: val_acc, std_penalty: -1}\n" + GRID,
                        "search.objective.std_penalty: must be in [0, 100]"));
    }

    private static Arguments bad(String name, String yaml, String expected) {
        return Arguments.of(name, yaml, expected);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badFiles")
    void rejectsWithOneLine(String name, String yaml, String expected) {
        UserError error = assertThrows(UserError.class, () -> Search.plan(parse(yaml), PlanOverrides.NONE));
        String message = error.getMessage();
        assertTrue(message.startsWith("s.yaml:"), () -> "location in: " + message);
        assertTrue(message.contains(expected), () -> "'" + expected + "' in: " + message);
        assertEquals(1, message.lines().count(), "one line");
    }

    static Stream<Arguments> goodFiles() {
        return Stream.of(
                good("momentum with a choice of optimizers", RANDOM + "defaults:\n  optimizer: {choice: [adam, sgd]}\n"
                        + "  momentum: {uniform: [0.5, 0.99]}\n" + GRID),
                good("lr_step with a choice of schedules", RANDOM + "defaults:\n  lr_schedule: [none, step]\n"
                        + "  lr_step: {int: [5, 10]}\n" + GRID),
                good("depth distributions in defaults shared by fcn and cnn blocks", RANDOM + "defaults:\n"
                        + "  hidden_layers: {int: [1, 3]}\n  conv_blocks: {int: [2, 3]}\ngrid:\n  - arch: fcn\n"
                        + "    budget: 50000\n  - arch: cnn\n    budget: 50000\n"),
                good("ASHA over a grid", "name: s\nsearch:\n" + ASHA + "  objective: {metric: val_loss, std_penalty: 1}\n"
                        + GRID),
                good("ASHA over a TPE search", TPE + ASHA + "defaults:\n  lr: {loguniform: [1.0e-4, 1.0e-2]}\n" + GRID),
                good("int on a real field", RANDOM + "defaults:\n  augment_rotate: {int: [0, 15]}\n" + GRID),
                good("every kind", TPE + "  seed: 7\n  objective: {metric: val_loss}\n  n_startup: 3\n"
                        + "defaults:\n  lr: {loguniform: [1.0e-4, 1.0e-2]}\n  dropout: {uniform: [0.0, 0.5]}\n"
                        + "  batch_size: {choice: [32, 64, 128]}\n  conv_blocks: {int: [2, 3]}\n"
                        + "grid:\n  - arch: cnn\n    budget: {intlog: [10000, 100000]}\n"));
    }

    private static Arguments good(String name, String yaml) {
        return Arguments.of(name, yaml);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("goodFiles")
    void accepts(String name, String yaml) {
        ExperimentSpec spec = parse(yaml);
        assertTrue(spec.search().searches() || spec.search().asha().isPresent());
        Search.plan(spec, PlanOverrides.NONE);
    }

    @Test
    void ashaRungsGrowByTheReductionUpToMaxEpochs() {
        assertEquals(List.of(1, 3, 9, 27, 30), new SearchSpec.Asha(1, 3, 30, null).rungs());
        assertEquals(List.of(2, 4, 8), new SearchSpec.Asha(2, 2, 8, null).rungs());
        assertEquals(List.of(5), new SearchSpec.Asha(5, 3, 5, null).rungs());
        assertEquals(List.of(1, 3), new SearchSpec.Asha(1, 3, 30, null).withMaxEpochs(3).rungs(), "--epochs caps it");
    }

    @Test
    void aScheduledTrialsIdLeavesItsLengthOut() {
        String yaml = "name: s\nsearch:\n  scheduler: {asha: {max_epochs: %d}}\n" + GRID;
        var nine = Search.plan(parse(String.format(yaml, 9)), PlanOverrides.NONE).trials().get(0);
        var thirty = Search.plan(parse(String.format(yaml, 30)), PlanOverrides.NONE).trials().get(0);
        var plain = Search.plan(parse("name: s\n" + GRID + "    epochs: 9\n"), PlanOverrides.NONE).trials().get(0);
        assertEquals(9, nine.config().epochs());
        assertEquals(30, thirty.config().epochs());
        assertEquals(nine.id(), thirty.id());
        assertEquals(nine.configHash(), thirty.configHash());
        assertNotEquals(plain.id(), nine.id(), "a scheduled trial stops at rungs and keeps its checkpoint");
        assertTrue(nine.config().canonicalJson().contains("\"epochs\":9"), "workers are sent the length");
    }

    @Test
    void readsTheBlockWithItsDefaults() {
        SearchSpec search = parse(TPE + "  objective: {metric: val_loss}\n" + GRID).search();
        assertEquals(new SearchSpec(SearchSpec.Strategy.TPE, 10, SearchSpec.DEFAULT_SEED,
                new SearchSpec.Objective(Monitor.VAL_LOSS, false), 0.25, 10, 24, java.util.Optional.empty(),
                search.location()), search);
        assertEquals(SearchSpec.Strategy.GRID, parse("name: s\n" + GRID).search().strategy());
    }

    @Test
    void readsDistributions() {
        ExperimentSpec spec = parse(RANDOM + "defaults:\n  lr: {loguniform: [1.0e-4, 1.0e-2]}\n"
                + "  batch_size: {choice: [32, 64]}\ngrid:\n  - arch: fcn\n    budget: {intlog: [10000, 100000]}\n");
        List<Object> values = spec.grid().get(0).axes().stream().map(a -> a.values().get(0).value()).toList();
        assertEquals(List.of(new Distribution.Real(1e-4, 1e-2, true), new Distribution.OneOf(List.of(32L, 64L)),
                Families.byName("fcn").orElseThrow(), new Distribution.Whole(10_000, 100_000, true)), values);
    }

    private static ExperimentSpec parse(String yaml) {
        return SpecParser.parse(Path.of("s.yaml"), YamlReader.parse("s.yaml", yaml));
    }
}
