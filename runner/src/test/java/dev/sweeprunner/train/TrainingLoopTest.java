package dev.sweeprunner.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import dev.sweeprunner.TestData;
import dev.sweeprunner.plan.Plan;
import dev.sweeprunner.plan.PlanOverrides;
import dev.sweeprunner.plan.Planner;
import dev.sweeprunner.plan.Trial;
import dev.sweeprunner.records.TrialStatus;
import dev.sweeprunner.spec.SpecParser;
import dev.sweeprunner.spec.YamlReader;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** What the loop checks at an epoch's end: a training loss that is not a number ends the trial as diverged. */
class TrainingLoopTest {
    static Stream<Arguments> epochEnds() {
        return Stream.of(
                // 11 images, 10 for validation: one training image is no batch (BatchNorm needs two)
                Arguments.of("one training image", 11, "no training batch in epoch 1"),
                // std 1e-45 turns every non-black pixel into infinity: NaN from the first batch on
                Arguments.of("infinite inputs", 60, "training loss is NaN"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("epochEnds")
    void aNaNTrainingLossIsDivergedNeverCompleted(String name, int images, String message) {
        String yaml = """
                name: nan
                data: {val_size: 10, normalize: fixed, mean: 0, std: %s}
                defaults: {epochs: 2, batch_size: 50}
                grid:
                  - {hidden: [8]}
                """.formatted(images == 11 ? "1" : "1e-45");
        Plan plan = Planner.plan(SpecParser.parse(Path.of("nan.yaml"), YamlReader.parse("nan.yaml", yaml)),
                PlanOverrides.NONE);
        Trial trial = plan.trials().get(0);
        try (TrainingData data = TrainingData.create(TestData.synthetic(images, 20, 1),
                TrainingData.Partition.of(trial.config()), Device.cpu())) {
            TrialStopped stopped = assertThrows(TrialStopped.class,
                    () -> new TrainingLoop(Device.cpu(), () -> false).train(trial, data, new TrialListener() {}));
            assertEquals(TrialStatus.DIVERGED, stopped.status());
            assertTrue(stopped.getMessage().startsWith(message), stopped.getMessage());
        }
    }
}
