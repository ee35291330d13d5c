package dev.sweeprunner.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import dev.sweeprunner.train.ModelFactory;
import dev.sweeprunner.train.PoolLayout;
import dev.sweeprunner.plan.families.Cnn;
import dev.sweeprunner.plan.families.Fcn;
import dev.sweeprunner.spec.DataSettings;
import dev.sweeprunner.spec.InitKind;
import dev.sweeprunner.spec.TrialField;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SizingTest {
    private static final StackedFamily FCN = new Fcn();
    private static final StackedFamily CNN = new Cnn();
    static final int MIN_BUDGET = 10_000;
    static final int MAX_BUDGET = 200_000;
    /** Below this a 1-hidden-layer FCN (797 parameters per unit with BatchNorm) cannot promise 95%. */
    static final int SINGLE_LAYER_FCN_FROM = 16_000;

    static Stream<Arguments> families() {
        List<Arguments> cases = new ArrayList<>();
        for (boolean bn : new boolean[] {true, false}) {
            for (int depth = 2; depth <= 8; depth++) {
                cases.add(Arguments.of(FCN, depth, bn, MIN_BUDGET));
            }
            cases.add(Arguments.of(FCN, 1, bn, SINGLE_LAYER_FCN_FROM));
            for (int depth = 1; depth <= 4; depth++) {
                cases.add(Arguments.of(CNN, depth, bn, MIN_BUDGET));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} depth {1} batch_norm {2}")
    @MethodSource("families")
    void everyBudgetLandsWithin95To100Percent(StackedFamily arch, int depth, boolean batchNorm, int from) {
        for (int budget = from; budget <= MAX_BUDGET; budget++) {
            NetShape shape = Sizing.size(arch, depth, batchNorm, budget);
            long count = shape.paramCount();
            assertTrue(count <= budget && count >= Math.ceil(Sizing.MIN_FILL * budget),
                    "budget " + budget + " gave " + count + " (" + shape.describe() + ")");
            assertEquals(depth, shape.widths().size());
        }
    }

    @Test
    void singleLayerFcnBelowItsStepSaysWhatToDo() {
        Sizing.Impossible e = assertThrows(Sizing.Impossible.class, () -> Sizing.size(FCN, 1, true, 11_000));
        assertTrue(e.getMessage().contains("hidden_layers ≥ 2"), e.getMessage());
    }

    static Stream<Arguments> referenceShapes() {
        return Stream.of(
                // study B's compact CNN: 32-64-128 with BatchNorm and conv biases is exactly 94,410
                Arguments.of("compact CNN widths", new NetShape(CNN, List.of(32, 64, 128), true), 94_410L),
                Arguments.of("FCN 784-100-10 without BN", new NetShape(FCN, List.of(100), false), 79_510L),
                Arguments.of("FCN 784-256-128-10 (study C MLP)", new NetShape(FCN, List.of(256, 128), false), 235_146L));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("referenceShapes")
    void formulaMatchesKnownCounts(String name, NetShape shape, long expected) {
        assertEquals(expected, shape.paramCount());
    }

    static Stream<Arguments> djlCases() {
        List<Arguments> cases = new ArrayList<>();
        for (int budget : new int[] {10_000, 20_000, 50_000, 100_000, 200_000}) {
            for (boolean bn : new boolean[] {true, false}) {
                for (int depth = 1; depth <= 4; depth++) {
                    cases.add(Arguments.of(CNN, depth, bn, budget));
                }
                for (int depth = 2; depth <= 8; depth += 3) {
                    cases.add(Arguments.of(FCN, depth, bn, budget));
                }
            }
        }
        cases.add(Arguments.of(FCN, 1, true, 100_000));
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} depth {1} bn {2} budget {3}")
    @MethodSource("djlCases")
    void formulaAgreesWithDjlTrainableCount(StackedFamily arch, int depth, boolean batchNorm, int budget) {
        NetShape shape = Sizing.size(arch, depth, batchNorm, budget);
        TrialConfig config = new TrialConfig(java.util.Map.of(TrialField.ARCH, arch, TrialField.BUDGET, (long) budget,
                TrialField.INIT, InitKind.KAIMING_UNIFORM, TrialField.DROPOUT, 0.2, TrialField.BATCH_NORM, batchNorm),
                DataSettings.defaults(), null, null);
        Block block = ModelFactory.build(shape.toNetwork(config.dropout()), config, PoolLayout.AS_GIVEN);
        try (Model model = Model.newInstance("count")) {
            model.setBlock(block);
            block.initialize(model.getNDManager(), DataType.FLOAT32, ModelFactory.INPUT_SHAPE);
            assertEquals(shape.paramCount(), ModelFactory.trainableParams(block), shape.describe());
        }
    }
}
