package dev.sweeprunner.run;

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
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Channels-last input: which networks get it, that it is the same tensor, and that a CNN computes the same. */
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

    /** Forward and backward through a conv-BN-ReLU-pool net: logits and every gradient agree across layouts. */
    @Test
    void convolutionalNetworkComputesTheSame() {
        Trial trial = trial("{layers: [{conv: 8, kernel: 3, padding: 1, batch_norm: true, pool: 2}, "
                + "{conv: 16, kernel: 3, batch_norm: true, pool: 2}, global_avg_pool], dropout: 0}");
        float[][] logits = new float[2][];
        float[][] gradients = new float[2][];
        InputLayout[] layouts = {InputLayout.STORED, InputLayout.CHANNELS_LAST};
        for (int i = 0; i < layouts.length; i++) {
            Engine.getInstance().setRandomSeed(7);
            Block block = ModelFactory.build(trial.network(), trial.config());
            try (Model model = Model.newInstance("layout", Device.cpu())) {
                model.setBlock(block);
                try (Trainer trainer = model.newTrainer(new DefaultTrainingConfig(new SoftmaxCrossEntropyLoss()))) {
                    trainer.initialize(new Shape(4, 1, 28, 28));
                    NDManager manager = model.getNDManager();
                    NDArray images = manager.arange(4 * 28 * 28).toType(DataType.FLOAT32, false)
                            .div(4 * 28 * 28).sin().reshape(4, 1, 28, 28);
                    NDArray labels = manager.create(new long[] {0, 3, 5, 9});
                    try (var collector = trainer.newGradientCollector()) {
                        NDArray out = trainer.forward(new NDList(layouts[i].apply(images))).singletonOrThrow();
                        logits[i] = out.toFloatArray();
                        collector.backward(trainer.getLoss().evaluate(new NDList(labels), new NDList(out)));
                    }
                    var firstConv = block.getParameters().valueAt(0);
                    gradients[i] = firstConv.getArray().getGradient().toFloatArray();
                }
            }
        }
        assertArrayEquals(logits[0], logits[1], 1e-4f);
        assertArrayEquals(gradients[0], gradients[1], 1e-4f);
    }
}
