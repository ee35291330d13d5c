package dev.sweeprunner.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sweeprunner.UserError;
import dev.sweeprunner.spec.ExperimentSpec;
import dev.sweeprunner.spec.SpecParser;
import dev.sweeprunner.spec.YamlReader;
import java.nio.file.Path;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The grid is counted before it is expanded: a huge grid is refused at once, a large one plans fast. */
class GridSizeTest {
    /** {@code lists} lists of {@code length} values each, on settings every fcn trial keeps. */
    static String grid(int lists, int length) {
        String[] keys = {"budget", "lr", "seed", "weight_decay", "dropout", "augment_flip"};
        StringBuilder yaml = new StringBuilder("name: huge\ngrid:\n  - arch: fcn\n");
        for (int k = 0; k < lists; k++) {
            String key = keys[k];
            String values = IntStream.range(0, length).mapToObj(i -> switch (key) {
                case "budget" -> Integer.toString(20_000 + 1_000 * i);
                case "seed" -> Integer.toString(i + 1);
                case "lr" -> Double.toString(0.001 * (i + 1));
                default -> Double.toString(0.001 * i);
            }).collect(Collectors.joining(", "));
            yaml.append("    ").append(key).append(": [").append(values).append("]\n");
        }
        return yaml.toString();
    }

    static ExperimentSpec spec(String yaml) {
        return SpecParser.parse(Path.of("huge.yaml"), YamlReader.parse("huge.yaml", yaml));
    }

    static Stream<Arguments> tooLarge() {
        return Stream.of(
                Arguments.of("6 lists of 30 (729 million)", grid(6, 30), PlanOverrides.DEFAULT_MAX_TRIALS,
                        "expands to 729,000,000 trials"),
                Arguments.of("4 lists of 30 (810 thousand)", grid(4, 30), PlanOverrides.DEFAULT_MAX_TRIALS,
                        "expands to 810,000 trials"),
                Arguments.of("a lowered limit", grid(2, 3), 8L, "expands to 9 trials (grid[0] alone to 9), over the limit of 8"),
                Arguments.of("folds count k trials each", "name: f\ngrid:\n  - {arch: fcn, budget: [20000, 30000], "
                        + "folds: [0, 5]}\n", 11L, "expands to 12 trials"),
                Arguments.of("blocks add up", "name: b\ngrid:\n  - {arch: fcn, budget: [20000, 30000]}\n"
                        + "  - {arch: fcn, budget: [40000, 50000], seed: [1, 2]}\n", 5L,
                        "expands to 6 trials (grid[1] alone to 4)"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tooLarge")
    void refusedWithinASecondBeforeExpansion(String name, String yaml, long limit, String expected) {
        long start = System.nanoTime();
        UserError error = assertThrows(UserError.class,
                () -> Planner.plan(spec(yaml), new PlanOverrides(null, null, limit)));
        assertTrue(System.nanoTime() - start < 1_000_000_000L, "within a second");
        assertTrue(error.getMessage().startsWith("huge.yaml:3:5: grid: ") || error.getMessage().contains(": grid: "),
                error::getMessage);
        assertTrue(error.getMessage().contains(expected), error::getMessage);
        assertTrue(error.getMessage().contains("--max-trials"), error::getMessage);
    }

    static Stream<Arguments> withinLimit() {
        return Stream.of(
                Arguments.of("10,000 trials", grid(4, 10), 10_000),
                Arguments.of("exactly at a lowered limit", grid(2, 3), 9));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("withinLimit")
    void plansWithinTheLimit(String name, String yaml, int trials) {
        Plan plan = Planner.plan(spec(yaml), new PlanOverrides(null, null, trials));
        assertEquals(trials, plan.trials().size());
    }
}
