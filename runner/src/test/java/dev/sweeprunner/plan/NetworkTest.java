package dev.sweeprunner.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import ai.djl.Model;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import dev.sweeprunner.train.ModelFactory;
import dev.sweeprunner.train.PoolLayout;
import dev.sweeprunner.spec.ExperimentSpec;
import dev.sweeprunner.spec.SpecParser;
import dev.sweeprunner.spec.YamlReader;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Presets and explicit layer lists: the exact trainable-parameter counts of the reference studies,
 * equal in the plan's formula and in the DJL model the runner builds.
 */
class NetworkTest {
    static Stream<Arguments> networks() {
        return Stream.of(
                Arguments.of("compact-cnn (study B)", "preset: compact-cnn", 94_410L, "cnn"),
                Arguments.of("lenet5 (study C)", "preset: lenet5", 496_138L, "cnn"),
                Arguments.of("mlp-256-128 (study C)", "preset: mlp-256-128", 235_146L, "fcn"),
                Arguments.of("mlp-512-256-128 (study D)", "preset: mlp-512-256-128", 567_434L, "fcn"),
                Arguments.of("mnist-cnn (study E model 1)", "preset: mnist-cnn", 1_199_882L, "cnn"),
                // 287,328 in six conv+BN blocks, 16,512 in the 128-wide hidden layer, 1,290 output
                Arguments.of("deep-cnn (study E model 2, hidden 128)", "preset: deep-cnn", 305_130L, "cnn"),
                // hidden: with BatchNorm (the default) adds 2 per unit: 401,920+1,024 + 131,328+512 + 32,896+256 + 1,290
                Arguments.of("hidden widths", "hidden: [512, 256, 128]", 569_226L, "fcn"),
                Arguments.of("hidden widths without BN", "hidden: [512, 256, 128]\n    batch_norm: false", 567_434L, "fcn"),
                // study B written out as layers instead of the preset
                Arguments.of("layers = compact-cnn", """
                        layers:
                              - {conv: 32, kernel: 3, padding: 1, batch_norm: true, pool: 2}
                              - {conv: 64, kernel: 3, padding: 1, batch_norm: true, pool: 2}
                              - {conv: 128, kernel: 3, padding: 1, batch_norm: true, pool: 2}
                              - global_avg_pool
                              - {dropout: 0.25}""", 94_410L, "cnn"),
                // study C's CNN written out: the flatten before the first dense layer is implied
                Arguments.of("layers = lenet5, implicit flatten", """
                        layers:
                              - {conv: 32, kernel: 5, padding: 2, pool: 2}
                              - {conv: 64, kernel: 5, pool: 2}
                              - {dense: 256, dropout: 0.5}
                              - {dense: 128}""", 496_138L, "cnn"),
                Arguments.of("layers, dense only", "layers: [flatten, {dense: 100, batch_norm: true}, relu]",
                        784 * 100 + 100 + 200 + 1_010L, "fcn"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("networks")
    void exactTrainableCount(String name, String network, long expected, String family) {
        String yaml = "name: t\ngrid:\n  - " + network + "\n";
        ExperimentSpec spec = SpecParser.parse(Path.of("t.yaml"), YamlReader.parse("t.yaml", yaml));
        Trial trial = Planner.plan(spec, PlanOverrides.NONE).trials().get(0);
        assertEquals(expected, trial.params(), "plan formula");
        assertEquals(family, trial.config().arch().name());
        assertNull(trial.config().budget(), "an explicit network has no budget");
        Block block = ModelFactory.build(trial.network(), trial.config(), PoolLayout.AS_GIVEN);
        try (Model model = Model.newInstance("count")) {
            model.setBlock(block);
            block.initialize(model.getNDManager(), DataType.FLOAT32, ModelFactory.INPUT_SHAPE);
            assertEquals(expected, ModelFactory.trainableParams(block), "DJL's count of the built model");
        }
    }

    static Stream<Arguments> multiplyAdds() {
        return Stream.of(
                // 784*256 + 256*128 + 128*10
                Arguments.of("mlp-256-128", "preset: mlp-256-128", 234_752L),
                // 28*28*32*1*9 + 14*14*64*32*9 + 7*7*128*64*9 + 128*10 (pooling and BatchNorm not counted)
                Arguments.of("compact-cnn", "preset: compact-cnn", 7_452_416L),
                // unpadded 5x5 conv: 24*24*8*25, then 12*12*8 = 1152 inputs to the output layer
                Arguments.of("conv without padding", "layers: [{conv: 8, kernel: 5, pool: 2}]", 115_200L + 11_520L));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("multiplyAdds")
    void multiplyAddsPerImage(String name, String network, long expected) {
        String yaml = "name: t\ngrid:\n  - {" + network + "}\n";
        Trial trial = Planner.plan(SpecParser.parse(Path.of("t.yaml"), YamlReader.parse("t.yaml", yaml)),
                PlanOverrides.NONE).trials().get(0);
        assertEquals(expected, trial.network().multiplyAdds());
    }

    static Stream<Arguments> sweeps() {
        return Stream.of(
                Arguments.of("a list of hidden lists sweeps", "hidden: [[64], [128, 64]]", List.of("784-64-10", "784-128-64-10")),
                Arguments.of("a list of presets sweeps", "preset: [lenet5, mlp-256-128]", List.of("lenet5", "mlp-256-128")),
                Arguments.of("layer lists sweep", "layers:\n      - [{conv: 8, pool: 2}, global_avg_pool]\n"
                        + "      - [{conv: 16, pool: 2}, flatten]", List.of("1-8c3-p2-gap-10", "1-16c3-p2-2704-10")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sweeps")
    void listsOfNetworksAreGridAxes(String name, String network, List<String> labels) {
        String yaml = "name: t\ngrid:\n  - " + network + "\n";
        Plan plan = Planner.plan(SpecParser.parse(Path.of("t.yaml"), YamlReader.parse("t.yaml", yaml)), PlanOverrides.NONE);
        assertEquals(labels, plan.trials().stream().map(t -> t.network().describe()).toList());
    }
}
