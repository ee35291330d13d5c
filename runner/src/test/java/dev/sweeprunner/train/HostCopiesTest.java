package dev.sweeprunner.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import dev.sweeprunner.spec.Precision;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.Trainer;
import ai.djl.training.loss.SoftmaxCrossEntropyLoss;
import dev.sweeprunner.TestData;
import dev.sweeprunner.plan.PlanOverrides;
import dev.sweeprunner.plan.Planner;
import dev.sweeprunner.plan.Trial;
import dev.sweeprunner.spec.SpecParser;
import dev.sweeprunner.spec.YamlReader;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.mockito.MockedStatic;
import org.mockito.Mockito;

/**
 * No host-to-device copy per batch. Every array the engine makes from Java data (a Java number
 * as an operand, an index list, a buffer) goes through {@code JniUtils.createNdFromByteBuffer};
 * on CUDA each is a host tensor copied to the device, which waits for the device. The count
 * during an epoch of 3N batches must equal the count during an epoch of N batches: whatever is
 * copied is copied per run, epoch or pass, never per batch. Counted on the CPU, where the code
 * paths are the same, so that it cannot regress where no GPU runs the tests.
 */
class HostCopiesTest {
    private static final String CREATE_FROM_JAVA = "createNdFromByteBuffer";
    private static final int BATCH = 20;
    private static final int VAL = 40;
    private static final int BATCHES = 4;
    private static final Autocast FP32 = Autocast.of(Precision.FP32, Device.cpu());

    static Stream<Arguments> trainings() {
        return Stream.of(
                Arguments.of("fcn, adam", "{hidden: [32, 16], optimizer: adam}"),
                Arguments.of("fcn, rmsprop with momentum and weight decay, augmented",
                        "{hidden: [32], optimizer: rmsprop, momentum: 0.9, weight_decay: 0.001, augment_flip: 0.5,"
                                + " augment_rotate: 10, augment_crop_padding: 2}"),
                Arguments.of("cnn, sgd with momentum, plateau schedule, augmented",
                        "{arch: cnn, budget: 3000, conv_blocks: 2, optimizer: sgd, momentum: 0.9, lr: 0.01,"
                                + " lr_schedule: plateau, augment_rotate: 15}"),
                Arguments.of("cnn, adamw, dropout", "{arch: cnn, budget: 3000, conv_blocks: 2, optimizer: adamw,"
                        + " dropout: 0.3}"),
                // autocast scopes, fp32 casts of the logits and a convolution kept in fp32 (odd width)
                Arguments.of("cnn, bf16, an fp32 convolution", "{layers: [{conv: 8, padding: 1, batch_norm: true,"
                        + " pool: 2}, {conv: 9, padding: 1, batch_norm: true, pool: 2}, global_avg_pool],"
                        + " precision: bf16}"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("trainings")
    void copiesPerEpochDoNotGrowWithBatches(String name, String trialYaml) {
        int few = copiesDuringOneEpoch(trialYaml, BATCHES);
        int many = copiesDuringOneEpoch(trialYaml, 3 * BATCHES);
        assertTrue(few > 0, "the counter sees the engine's array creations");
        assertEquals(few, many, name + ": " + few + " copies with " + BATCHES + " batches, " + many + " with "
                + 3 * BATCHES);
    }

    @ParameterizedTest(name = "evaluation in batches of {0}")
    @MethodSource("evalBatches")
    void copiesPerEvaluationPassDoNotGrowWithBatches(int evalBatch) {
        Trial trial = trial("{hidden: [16]}", 1);
        Engine.getInstance().setRandomSeed(1);
        Block block = ModelFactory.build(trial.network(), trial.config(), PoolLayout.AS_GIVEN);
        try (Model model = Model.newInstance("copies", Device.cpu())) {
            model.setBlock(block);
            try (Trainer trainer = model.newTrainer(new DefaultTrainingConfig(new SoftmaxCrossEntropyLoss()))) {
                trainer.initialize(ModelFactory.INPUT_SHAPE);
                NDManager manager = model.getNDManager();
                InputLayout layout = InputLayout.of(trial.network(), Device.cpu());
                Supplier<Integer> pass = () -> {
                    int images = evalBatch * 3;
                    TrainingData.Split split = new TrainingData.Split(
                            manager.randomUniform(0, 1, new Shape(images, 1, 28, 28)),
                            manager.randomInteger(0, 10, new Shape(images), DataType.INT64));
                    return counted(() -> new Evaluator(trainer.getLoss(), layout, evalBatch, FP32).evaluate(trainer, split));
                };
                int few = counted(() -> {
                    TrainingData.Split split = new TrainingData.Split(
                            manager.randomUniform(0, 1, new Shape(evalBatch, 1, 28, 28)),
                            manager.randomInteger(0, 10, new Shape(evalBatch), DataType.INT64));
                    new Evaluator(trainer.getLoss(), layout, evalBatch, FP32).evaluate(trainer, split);
                });
                assertEquals(few, pass.get(), "one batch vs three batches of " + evalBatch);
            }
        }
    }

    static Stream<Integer> evalBatches() {
        return Stream.of(5, 64);
    }

    /** Engine array creations from Java data while one epoch of {@code batches} batches trains and evaluates. */
    private static int copiesDuringOneEpoch(String trialYaml, int batches) {
        Trial trial = trial(trialYaml, 1);
        int trainImages = batches * BATCH;
        TrainingData data = TrainingData.create(TestData.synthetic(trainImages + VAL, 2 * VAL, 7),
                TrainingData.Partition.of(trial.config()), Device.cpu());
        try (data) {
            TrainingLoop loop = new TrainingLoop(Device.cpu(), () -> false);
            return counted(() -> loop.train(trial, data, new TrialListener() {}));
        }
    }

    /** Calls to the engine's create-from-Java-data entry made by {@code work} on this thread. */
    private static int counted(Runnable work) {
        AtomicInteger calls = new AtomicInteger();
        try (MockedStatic<JniUtils> engine = Mockito.mockStatic(JniUtils.class, invocation -> {
            if (invocation.getMethod().getName().equals(CREATE_FROM_JAVA)) {
                calls.incrementAndGet();
            }
            return invocation.callRealMethod();
        })) {
            work.run();
        }
        return calls.get();
    }

    private static Trial trial(String trialYaml, int epochs) {
        String yaml = "name: copies\n"
                + "data: {val_size: " + VAL + "}\n"
                + "defaults: {epochs: " + epochs + ", batch_size: " + BATCH + ", seed: 3}\n"
                + "grid:\n  - " + trialYaml + "\n";
        return Planner.plan(SpecParser.parse(Path.of("copies.yaml"), YamlReader.parse("copies.yaml", yaml)),
                PlanOverrides.NONE).trials().get(0);
    }
}
