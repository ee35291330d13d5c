package dev.sweeprunner.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.Device;
import dev.sweeprunner.spec.Precision;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.Trainer;
import ai.djl.training.loss.SoftmaxCrossEntropyLoss;
import dev.sweeprunner.plan.Trial;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Inference batches: sized from the network's largest activation, and evaluation does not depend on their size. */
class EvalBatchTest {
    private static final Autocast FP32 = Autocast.of(Precision.FP32, Device.cpu());

    static Stream<Arguments> networks() {
        return Stream.of(
                // a dense network's largest tensor is its 784-pixel input: 16 MiB holds 5,349, capped at 1000
                Arguments.of("mlp-256-128", "{preset: mlp-256-128}", 784L, 1000),
                // 32 channels x 28 x 28 after the first (padded) conv: 100,352 bytes per image
                Arguments.of("compact-cnn (study B)", "{preset: compact-cnn}", 25_088L, 167),
                Arguments.of("lenet5 (study C, 5x5 padded)", "{preset: lenet5}", 25_088L, 167),
                // unpadded: 32 x 26 x 26, then 64 x 24 x 24 = 36,864 before pooling
                Arguments.of("mnist-cnn (study E)", "{preset: mnist-cnn}", 36_864L, 113),
                Arguments.of("512 channels at 28x28", "{layers: [{conv: 512, kernel: 3, padding: 1}]}", 401_408L, 10),
                // one image's map alone is over the limit: batches of one, never zero
                Arguments.of("8192 channels at 28x28", "{layers: [{conv: 8192, kernel: 1}]}", 6_422_528L, 1));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("networks")
    void sizedFromTheLargestActivation(String name, String network, long largest, int batch) {
        Trial trial = InputLayoutTest.trial(network);
        assertEquals(largest, trial.network().largestActivation());
        assertEquals(batch, Evaluator.batchSize(trial.network()));
    }

    /** The same images through the same weights in one batch, in sevens and one by one (dropout and BN in inference mode). */
    @Test
    void resultsDoNotDependOnTheBatchSize() {
        Trial trial = InputLayoutTest.trial("{layers: [{conv: 8, kernel: 3, padding: 1, batch_norm: true, pool: 2}, "
                + "global_avg_pool], dropout: 0.5}");
        Engine.getInstance().setRandomSeed(3);
        Block block = ModelFactory.build(trial.network(), trial.config(), PoolLayout.AS_GIVEN);
        try (Model model = Model.newInstance("eval-batch", Device.cpu())) {
            model.setBlock(block);
            try (Trainer trainer = model.newTrainer(new DefaultTrainingConfig(new SoftmaxCrossEntropyLoss()))) {
                trainer.initialize(ModelFactory.INPUT_SHAPE);
                NDManager manager = model.getNDManager();
                int images = 50;
                TrainingData.Split split = new TrainingData.Split(
                        manager.randomUniform(0, 1, new Shape(images, 1, 28, 28)),
                        manager.randomInteger(0, 10, new Shape(images), DataType.INT64));
                InputLayout layout = InputLayout.of(trial.network(), Device.cpu());
                Evaluator.Evaluation whole = new Evaluator(trainer.getLoss(), layout, images, FP32)
                        .evaluate(trainer, split);
                assertEquals(images, whole.confusion().total());
                for (int batch : new int[] {7, 1}) {
                    Evaluator.Evaluation parts = new Evaluator(trainer.getLoss(), layout, batch, FP32)
                            .evaluate(trainer, split);
                    assertEquals(whole.confusion(), parts.confusion(), "batch " + batch);
                    assertEquals(whole.loss(), parts.loss(), 1e-5 * Math.abs(whole.loss()), "batch " + batch);
                }
            }
        }
    }
}
