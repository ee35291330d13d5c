package dev.sweeprunner.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.Trainer;
import ai.djl.training.loss.SoftmaxCrossEntropyLoss;
import dev.sweeprunner.plan.PlanOverrides;
import dev.sweeprunner.plan.Planner;
import dev.sweeprunner.plan.Trial;
import dev.sweeprunner.spec.SpecParser;
import dev.sweeprunner.spec.YamlReader;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Channels-last input and pools: which networks get them, that they are the same tensor, and that a CNN computes the same. */
class InputLayoutTest {
    static Trial trial(String network) {
        return Planner.plan(SpecParser.parse(Path.of("l.yaml"), YamlReader.parse("l.yaml",
                "name: l\ngrid:\n  - " + network + "\n")), PlanOverrides.NONE).trials().get(0);
    }

    static Stream<Arguments> layouts() {
        return Stream.of(
                Arguments.of("compact-cnn (32 channels first)", "{preset: compact-cnn}", Device.cpu(), InputLayout.CHANNELS_LAST),
                Arguments.of("compact-cnn on a GPU", "{preset: compact-cnn}", Device.gpu(), InputLayout.STORED),
                Arguments.of("table1 100k CNN (33 first)", "{arch: cnn, budget: 100000}", Device.cpu(), InputLayout.CHANNELS_LAST),
                Arguments.of("table1 10k CNN (11 first)", "{arch: cnn, budget: 10000}", Device.cpu(), InputLayout.STORED),
                Arguments.of("16 channels first", "{layers: [{conv: 16, kernel: 3, padding: 1}, global_avg_pool]}",
                        Device.cpu(), InputLayout.CHANNELS_LAST),
                Arguments.of("15 channels first", "{layers: [{conv: 15, kernel: 3, padding: 1}, global_avg_pool]}",
                        Device.cpu(), InputLayout.STORED),
                Arguments.of("dense network", "{hidden: [32]}", Device.cpu(), InputLayout.STORED));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("layouts")
    void wideConvolutionalNetworksOnTheCpuOnly(String name, String network, Device device, InputLayout expected) {
        assertEquals(expected, InputLayout.of(trial(network).network(), device));
    }

    @Test
    void poolsReadChannelsLastOnTheCpuOnly() {
        assertEquals(PoolLayout.CHANNELS_LAST, PoolLayout.of(Device.cpu()));
        assertEquals(PoolLayout.AS_GIVEN, PoolLayout.of(Device.gpu()));
    }

    @Test
    void sameTensorOtherStrides() {
        try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
            NDArray images = manager.randomUniform(0, 1, new Shape(3, 1, 28, 28));
            NDArray view = InputLayout.CHANNELS_LAST.apply(images);
            assertEquals(images.getShape(), view.getShape());
            assertArrayEquals(images.toFloatArray(), view.toFloatArray());
            assertTrue(images == InputLayout.STORED.apply(images));
            assertThrows(IllegalArgumentException.class,
                    () -> InputLayout.CHANNELS_LAST.apply(manager.zeros(new Shape(2, 3, 4, 4))));
        }
    }

    /** NCHW throughout, NCHW until the first pool (narrow networks), channels-last throughout (wide ones). */
    static Stream<Arguments> layoutPairs() {
        return Stream.of(
                Arguments.of("NCHW input, channels-last pools", InputLayout.STORED, PoolLayout.CHANNELS_LAST),
                Arguments.of("channels-last input and pools", InputLayout.CHANNELS_LAST, PoolLayout.CHANNELS_LAST),
                Arguments.of("channels-last input, pools as given", InputLayout.CHANNELS_LAST, PoolLayout.AS_GIVEN));
    }

    /**
     * Forward and backward through a conv-BN-ReLU-pool net: logits and every gradient agree with
     * NCHW throughout, and the saved parameters are the same bytes (best.params loads either way).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("layoutPairs")
    void convolutionalNetworkComputesTheSame(String name, InputLayout input, PoolLayout pools) {
        Trial trial = trial("{layers: [{conv: 8, kernel: 3, padding: 1, batch_norm: true, pool: 2}, "
                + "{conv: 16, kernel: 3, batch_norm: true, pool: 2}, global_avg_pool], dropout: 0}");
        Pass reference = pass(trial, InputLayout.STORED, PoolLayout.AS_GIVEN);
        Pass other = pass(trial, input, pools);
        assertArrayEquals(reference.logits(), other.logits(), 1e-4f);
        assertArrayEquals(reference.gradients(), other.gradients(), 1e-4f);
        assertArrayEquals(reference.parameters(), other.parameters());
    }

    private record Pass(float[] logits, float[] gradients, byte[] parameters) {}

    private static Pass pass(Trial trial, InputLayout input, PoolLayout pools) {
        Engine.getInstance().setRandomSeed(7);
        Block block = ModelFactory.build(trial.network(), trial.config(), pools);
        try (Model model = Model.newInstance("layout", Device.cpu())) {
            model.setBlock(block);
            try (Trainer trainer = model.newTrainer(new DefaultTrainingConfig(new SoftmaxCrossEntropyLoss()))) {
                trainer.initialize(new Shape(4, 1, 28, 28));
                ByteArrayOutputStream saved = new ByteArrayOutputStream();
                try (DataOutputStream out = new DataOutputStream(saved)) {
                    block.saveParameters(out);
                }
                NDManager manager = model.getNDManager();
                NDArray images = manager.arange(4 * 28 * 28).toType(DataType.FLOAT32, false)
                        .div(4 * 28 * 28).sin().reshape(4, 1, 28, 28);
                NDArray labels = manager.create(new long[] {0, 3, 5, 9});
                float[] logits;
                try (var collector = trainer.newGradientCollector()) {
                    NDArray out = trainer.forward(new NDList(input.apply(images))).singletonOrThrow();
                    logits = out.toFloatArray();
                    collector.backward(trainer.getLoss().evaluate(new NDList(labels), new NDList(out)));
                }
                var firstConv = block.getParameters().valueAt(0);
                return new Pass(logits, firstConv.getArray().getGradient().toFloatArray(), saved.toByteArray());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void channelsLastCopyKeepsTheTensor() {
        try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
            NDArray nchw = manager.randomUniform(0, 1, new Shape(2, 3, 5, 4));
            NDArray converted = PoolLayout.channelsLast(nchw);
            assertEquals(nchw.getShape(), converted.getShape());
            assertArrayEquals(nchw.toFloatArray(), converted.toFloatArray());
            assertArrayEquals(nchw.toFloatArray(), PoolLayout.channelsLast(converted).toFloatArray());
        }
    }

    /** Strides show through views: an NHWC reading of a channels-last tensor shares its memory, of NCHW it copies. */
    @Test
    void channelsLastCopyHasChannelsLastStrides() {
        try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
            NDArray nchw = manager.randomUniform(0, 1, new Shape(2, 3, 5, 4));
            float[] before = nchw.toFloatArray();
            NDArray converted = PoolLayout.channelsLast(nchw);
            converted.transpose(0, 2, 3, 1).reshape(-1).addi(1);
            nchw.transpose(0, 2, 3, 1).reshape(-1).addi(1);
            float[] after = converted.toFloatArray();
            for (int i = 0; i < before.length; i++) {
                assertEquals(before[i] + 1, after[i], 1e-6f, "written through the view");
            }
            assertArrayEquals(before, nchw.toFloatArray(), "NCHW: the NHWC reading was a copy");
        }
    }
}
