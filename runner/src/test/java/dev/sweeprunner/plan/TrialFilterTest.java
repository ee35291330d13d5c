package dev.sweeprunner.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sweeprunner.UserError;
import dev.sweeprunner.spec.SpecParser;
import dev.sweeprunner.spec.YamlReader;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** --only: which trials a selection keeps (by plan index), and the selections that are user errors. */
class TrialFilterTest {
    // 2 batch sizes x 2 learning rates x 3 folds = 12 trials, indices 0-11 in grid order
    static final Plan PLAN = Planner.plan(SpecParser.parse(Path.of("f.yaml"), YamlReader.parse("f.yaml", """
            name: f
            defaults: {preset: compact-cnn, epochs: 2}
            grid:
              - {batch_size: [128, 64], lr: [0.001, 0.0005], folds: 3}
            """)), PlanOverrides.NONE);

    static Stream<Arguments> selects() {
        return Stream.of(
                Arguments.of("nothing given: the whole plan", List.of(), List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11)),
                Arguments.of("one value", List.of("batch_size=64"), List.of(6, 7, 8, 9, 10, 11)),
                Arguments.of("numbers by value", List.of("lr=1e-3"), List.of(0, 1, 2, 6, 7, 8)),
                Arguments.of("two keys: both hold", List.of("batch_size=64", "lr=0.0010"), List.of(6, 7, 8)),
                Arguments.of("a list of values", List.of("fold=1,3", "lr=0.0005"), List.of(3, 5, 9, 11)),
                Arguments.of("a key repeated adds values", List.of("fold=1", "fold=2", "batch_size=128"),
                        List.of(0, 1, 3, 4)),
                Arguments.of("text values", List.of("preset=compact-cnn", "fold=2"), List.of(1, 4, 7, 10)),
                // precision is left out of a config at its default (stable ids) but still selects
                Arguments.of("a later field at its default", List.of("precision=fp32", "fold=3"), List.of(2, 5, 8, 11)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("selects")
    void select(String name, List<String> options, List<Integer> indices) {
        assertEquals(indices, TrialFilter.parse(options).select(PLAN.trials()).stream().map(Trial::index).toList());
    }

    static Stream<Arguments> rejects() {
        return Stream.of(
                Arguments.of("no equals sign", List.of("batch_size"), "expected KEY=VALUE"),
                Arguments.of("no value", List.of("lr="), "expected KEY=VALUE"),
                Arguments.of("unknown key", List.of("learning_rate=0.001"), "no trial of the plan sets 'learning_rate'"),
                Arguments.of("value not in the plan", List.of("batch_size=64", "lr=0.1"), "values: 0.001, 5.0E-4"),
                Arguments.of("a later field's other value", List.of("precision=bf16"), "values: fp32"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rejects")
    void reject(String name, List<String> options, String message) {
        UserError e = assertThrows(UserError.class, () -> TrialFilter.parse(options).select(PLAN.trials()));
        assertTrue(e.getMessage().startsWith("--only"), e.getMessage());
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }
}
