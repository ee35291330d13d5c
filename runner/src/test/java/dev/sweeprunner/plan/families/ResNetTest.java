package dev.sweeprunner.plan.families;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Model;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import dev.sweeprunner.plan.Network;
import dev.sweeprunner.plan.PlanOverrides;
import dev.sweeprunner.plan.Planner;
import dev.sweeprunner.plan.Sizing;
import dev.sweeprunner.plan.Trial;
import dev.sweeprunner.spec.DatasetShape;
import dev.sweeprunner.spec.Layer;
import dev.sweeprunner.spec.SpecParser;
import dev.sweeprunner.spec.YamlReader;
import dev.sweeprunner.train.ModelFactory;
import dev.sweeprunner.train.PoolLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code arch: resnet}: budget sizing, exact counts (formula = DJL), the YAML route, shapes. */
class ResNetTest {
    private static final ResNet RESNET = new ResNet();
    /**
     * Every budget from 10,000 to 200,000 lands within 95-100% at depths 2-4 (the last one that
     * does not is 8,325), and from 15,000 at depth 1 (the last one that does not is 14,737), with
     * and without BatchNorm: checked budget by budget once; sampled here.
     */
    static final int MIN_BUDGET = 10_000;
    static final int SINGLE_STAGE_FROM = 15_000;
    static final int MAX_BUDGET = 200_000;
    /** Sizing builds networks to count them, so budgets are sampled (a prime step) rather than all tried. */
    static final int BUDGET_STEP = 331;

    static Stream<Arguments> depths() {
        List<Arguments> cases = new ArrayList<>();
        for (boolean bn : new boolean[] {true, false}) {
            for (int depth = 1; depth <= 4; depth++) {
                cases.add(Arguments.of(depth, bn));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "depth {0} batch_norm {1}")
    @MethodSource("depths")
    void budgetsLandWithin95To100Percent(int depth, boolean batchNorm) {
        for (int budget = depth == 1 ? SINGLE_STAGE_FROM : MIN_BUDGET; budget <= MAX_BUDGET; budget += BUDGET_STEP) {
            Network network = RESNET.size(depth, batchNorm, 0.2, budget);
            long count = network.paramCount();
            assertTrue(count <= budget && count >= Math.ceil(Sizing.MIN_FILL * budget),
                    "budget " + budget + " gave " + count + " (" + network.describe() + ")");
            assertEquals(depth + 1, network.widths().size(), "stem and one width per stage: " + network.widths());
        }
    }

    @Test
    void aSingleStageBelowItsStepSaysWhatToDo() {
        Sizing.Impossible e = assertThrows(Sizing.Impossible.class, () -> RESNET.size(1, true, 0, 10_000));
        assertTrue(e.getMessage().contains("use conv_blocks ≥ 2"), e.getMessage());
    }

    @Test
    void aBudgetBelowTheSmallestNetworkSaysSo() {
        Sizing.Impossible e = assertThrows(Sizing.Impossible.class, () -> RESNET.size(4, true, 0, 1_000));
        assertTrue(e.getMessage().contains("below the smallest resnet with depth 4"), e.getMessage());
    }

    static Stream<Arguments> djlCases() {
        List<Arguments> cases = new ArrayList<>();
        for (int budget : new int[] {15_000, 50_000, 200_000}) {
            for (boolean bn : new boolean[] {true, false}) {
                for (int depth = 1; depth <= 4; depth++) {
                    cases.add(Arguments.of(depth, bn, budget));
                }
            }
        }
        return cases.stream();
    }

    /** The loop refuses to train a network whose DJL count differs from the plan's. */
    @ParameterizedTest(name = "depth {0} bn {1} budget {2}")
    @MethodSource("djlCases")
    void planCountEqualsDjlCount(int depth, boolean batchNorm, int budget) {
        Trial trial = plan("{arch: resnet, budget: " + budget + ", conv_blocks: " + depth + ", batch_norm: " + batchNorm + "}");
        assertEquals(depth + 1, trial.network().widths().size());
        assertEquals(trial.params(), djlCount(trial.network(), trial), trial.network().describe());
    }

    /**
     * A hand-counted residual network: stem conv 4 channels; one block 4 -> 8 (two 3x3 convs, 1x1
     * projection, BatchNorm after each), ReLU; pool; global average pool.
     */
    @Test
    void handCountedResidualNetwork() {
        List<Layer> body = List.of(new Layer.Conv(8, 3, 1), new Layer.BatchNorm(), new Layer.Relu(),
                new Layer.Conv(8, 3, 1), new Layer.BatchNorm());
        List<Layer> projection = List.of(new Layer.Conv(8, 1, 0), new Layer.BatchNorm());
        Network network = Network.of(List.of(new Layer.Conv(4, 3, 1), new Layer.BatchNorm(), new Layer.Relu(),
                new Layer.Residual(body, projection), new Layer.Relu(), new Layer.MaxPool(2), new Layer.GlobalAvgPool()),
                "hand");
        assertEquals(List.of(4, 8), network.widths());
        // stem 4*9+4 + BN 8; body 4*8*9+8 + 16 + 8*8*9+8 + 16; projection 4*8+8 + 16; output 8*10+10
        assertEquals(48 + 296 + 16 + 584 + 16 + 40 + 16 + 90, network.paramCount());
        Trial any = plan("{arch: resnet, budget: 20000}");
        assertEquals(network.paramCount(), djlCount(network, any));
        // 28x28 maps: stem 28*28*4*1*9, body 28*28*8*4*9 + 28*28*8*8*9, projection 28*28*8*4; output 8*10
        assertEquals(28_224L + 225_792 + 451_584 + 25_088 + 80, network.multiplyAdds());
        assertEquals(28L * 28 * 8, network.largestActivation());
    }

    @Test
    void theBuiltModelMapsImagesToTenScores() {
        Trial trial = plan("{arch: resnet, budget: 20000, conv_blocks: 3}");
        Block block = ModelFactory.build(trial.network(), trial.config(), PoolLayout.CHANNELS_LAST);
        try (Model model = Model.newInstance("shape")) {
            model.setBlock(block);
            block.initialize(model.getNDManager(), DataType.FLOAT32, ModelFactory.INPUT_SHAPE);
            NDManager manager = model.getNDManager();
            NDList out = block.forward(new ParameterStore(manager, false),
                    new NDList(manager.randomUniform(0, 1, new Shape(3, 1, DatasetShape.IMAGE_SIDE, DatasetShape.IMAGE_SIDE))),
                    false);
            assertEquals(new Shape(3, DatasetShape.CLASSES), out.singletonOrThrow().getShape());
        }
    }

    @Test
    void aShortcutThatDoesNotMatchTheBodyIsRejected() {
        Layer.Residual mismatched = new Layer.Residual(List.of(new Layer.Conv(8, 3, 1)), List.of());
        Network.Invalid e = assertThrows(Network.Invalid.class,
                () -> Network.of(List.of(new Layer.Conv(4, 3, 1), mismatched), "x"));
        assertTrue(e.getMessage().contains("8x28x28 body to a 4x28x28 shortcut"), e.getMessage());
    }

    private static Trial plan(String block) {
        String yaml = "name: t\ngrid:\n  - " + block + "\n";
        return Planner.plan(SpecParser.parse(Path.of("t.yaml"), YamlReader.parse("t.yaml", yaml)), PlanOverrides.NONE)
                .trials().get(0);
    }

    private static long djlCount(Network network, Trial trial) {
        Block block = ModelFactory.build(network, trial.config(), PoolLayout.AS_GIVEN);
        try (Model model = Model.newInstance("count")) {
            model.setBlock(block);
            block.initialize(model.getNDManager(), DataType.FLOAT32, ModelFactory.INPUT_SHAPE);
            return ModelFactory.trainableParams(block);
        }
    }
}
