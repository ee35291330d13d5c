package dev.sweeprunner.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.sweeprunner.spec.SpecParser;
import dev.sweeprunner.spec.YamlReader;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Named cases in the style of Hydra's sweeper tests: grid in, trials (in order) out. */
class GridExpansionTest {

    static Stream<Arguments> grids() {
        return Stream.of(
                Arguments.of("one block, one value", "grid:\n  - {arch: fcn, budget: 50000}\n",
                        List.of("fcn/50000/s1")),
                Arguments.of("list in block, declared order kept", "grid:\n  - {arch: cnn, budget: [20000, 10000]}\n",
                        List.of("cnn/20000/s1", "cnn/10000/s1")),
                Arguments.of("blocks are a union, in order",
                        "grid:\n  - {arch: fcn, budget: 50000}\n  - {arch: cnn, budget: 50000}\n",
                        List.of("fcn/50000/s1", "cnn/50000/s1")),
                Arguments.of("default list expands in every block, first axis slowest",
                        "defaults: {seed: [1, 2]}\ngrid:\n  - {arch: fcn, budget: [50000, 100000]}\n",
                        List.of("fcn/50000/s1", "fcn/100000/s1", "fcn/50000/s2", "fcn/100000/s2")),
                Arguments.of("block overrides a default list",
                        "defaults: {seed: [1, 2]}\ngrid:\n  - {arch: fcn, budget: 50000, seed: 7}\n",
                        List.of("fcn/50000/s7")),
                Arguments.of("setting that does not apply collapses duplicates",
                        "defaults: {hidden_layers: [1, 2]}\ngrid:\n  - {arch: cnn, budget: 50000}\n",
                        List.of("cnn/50000/s1")),
                Arguments.of("momentum ignored by adam, kept by sgd",
                        "defaults: {momentum: [0.0, 0.9]}\ngrid:\n  - {arch: fcn, budget: 50000, optimizer: [adam, sgd]}\n",
                        List.of("fcn/50000/s1", "fcn/50000/s1/sgd/m0.0", "fcn/50000/s1/sgd/m0.9")),
                Arguments.of("two lists multiply",
                        "grid:\n  - {arch: fcn, budget: [50000, 100000], lr: [0.1, 0.01, 0.001]}\n",
                        List.of("fcn/50000/s1", "fcn/50000/s1", "fcn/50000/s1", "fcn/100000/s1", "fcn/100000/s1",
                                "fcn/100000/s1")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("grids")
    void expands(String name, String grid, List<String> expected) {
        Plan plan = Planner.plan(SpecParser.parse(Path.of("g.yaml"), YamlReader.parse("g.yaml", "name: g\n" + grid)),
                PlanOverrides.NONE);
        List<String> actual = plan.trials().stream().map(GridExpansionTest::label).toList();
        assertEquals(expected, actual);
    }

    private static String label(Trial t) {
        TrialConfig c = t.config();
        String base = c.arch().yamlName() + "/" + c.budget() + "/s" + c.seed();
        return c.momentum() == null ? base : base + "/" + c.optimizer().yamlName() + "/m" + c.momentum();
    }

    @Test
    void cartesianIsAPureProductWithTheFirstAxisSlowest() {
        Map<String, List<Integer>> axes = new LinkedHashMap<>();
        axes.put("a", List.of(1, 2));
        axes.put("b", List.of(10, 20, 30));
        List<Map<String, Integer>> product = GridExpansion.cartesian(axes);
        assertEquals(6, product.size());
        assertEquals(Map.of("a", 1, "b", 10), product.get(0));
        assertEquals(Map.of("a", 1, "b", 30), product.get(2));
        assertEquals(Map.of("a", 2, "b", 10), product.get(3));
        assertEquals(List.of(Map.of()), GridExpansion.cartesian(Map.of()));
    }

    @Test
    void trialIdIsAStableHashOfTheResolvedConfig() {
        String yaml = "name: g\ngrid:\n  - {arch: fcn, budget: 50000}\n";
        Plan a = Planner.plan(SpecParser.parse(Path.of("g.yaml"), YamlReader.parse("g.yaml", yaml)), PlanOverrides.NONE);
        Plan b = Planner.plan(SpecParser.parse(Path.of("g.yaml"), YamlReader.parse("g.yaml",
                "name: other\ndefaults: {lr: 0.001}\n" + yaml.substring(yaml.indexOf("grid")))), PlanOverrides.NONE);
        assertEquals(a.trials().get(0).id(), b.trials().get(0).id(), "same resolved config, same id");
        Plan c = Planner.plan(SpecParser.parse(Path.of("g.yaml"), YamlReader.parse("g.yaml", yaml)),
                new PlanOverrides(3, null));
        assertEquals(3, c.trials().get(0).config().epochs());
        assertEquals(10, a.trials().get(0).id().length());
        assertNotEquals(a.trials().get(0).id(), c.trials().get(0).id(), "--epochs changes the config, so the id");
    }
}
