package dev.sweeprunner.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.optimizer.Optimizer;
import dev.sweeprunner.records.EpochRecord;
import dev.sweeprunner.spec.LrSchedule;
import dev.sweeprunner.spec.Monitor;
import dev.sweeprunner.spec.OptimizerKind;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Learning-rate schedules, early stopping and weight decay, against hand-worked sequences. */
class SchedulesTest {
    private static final double TOLERANCE = 1e-6;

    static Stream<Arguments> schedules() {
        double[] flatLoss = {1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0};
        double[] falling = {1.0, 0.9, 0.8, 0.7, 0.6, 0.5, 0.4};
        return Stream.of(
                // StepLR(step_size=2, gamma=0.5): lr for epochs 1..7
                Arguments.of("step 2 x0.5", new LrScheduler(LrSchedule.STEP, 0.1, 7, 2, 0.5, 0, 0, Monitor.VAL_LOSS),
                        falling, new double[] {0.1, 0.1, 0.05, 0.05, 0.025, 0.025, 0.0125}),
                // CosineAnnealingLR(T_max=4, eta_min=0.01): 0.01 + 0.09 (1 + cos(pi e / 4)) / 2
                Arguments.of("cosine", new LrScheduler(LrSchedule.COSINE, 0.1, 4, 1, 1, 0, 0.01, Monitor.VAL_LOSS),
                        new double[] {1, 1, 1, 1},
                        new double[] {0.1, 0.01 + 0.045 * (1 + Math.cos(Math.PI / 4)), 0.055,
                                0.01 + 0.045 * (1 + Math.cos(3 * Math.PI / 4))}),
                // ReduceLROnPlateau(patience=2, factor=0.5): epoch 1 sets the best; epochs 2, 3 are
                // bad (2 = patience, not yet more), epoch 4 is the third bad one: lr halves for epoch 5
                Arguments.of("plateau patience 2", new LrScheduler(LrSchedule.PLATEAU, 0.1, 7, 1, 0.5, 2, 0,
                        Monitor.VAL_LOSS), flatLoss, new double[] {0.1, 0.1, 0.1, 0.1, 0.05, 0.05, 0.05}),
                // patience 0: every bad epoch (2 on) halves the next epoch's rate, down to min_lr 0.02
                Arguments.of("plateau min_lr", new LrScheduler(LrSchedule.PLATEAU, 0.1, 7, 1, 0.5, 0, 0.02,
                        Monitor.VAL_LOSS), flatLoss, new double[] {0.1, 0.1, 0.05, 0.025, 0.02, 0.02, 0.02}),
                // improving loss never lowers the rate
                Arguments.of("plateau improving", new LrScheduler(LrSchedule.PLATEAU, 0.1, 7, 1, 0.5, 0, 0,
                        Monitor.VAL_LOSS), falling, new double[] {0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1}),
                Arguments.of("none", new LrScheduler(LrSchedule.NONE, 0.1, 3, 1, 1, 0, 0, Monitor.VAL_LOSS),
                        falling, new double[] {0.1, 0.1, 0.1}));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("schedules")
    void learningRatePerEpoch(String name, LrScheduler scheduler, double[] valLoss, double[] expected) {
        double[] seen = new double[expected.length];
        Control control = new Control(expected[0]);
        for (int epoch = 1; epoch <= expected.length; epoch++) {
            seen[epoch - 1] = control.learningRate();
            scheduler.onEpochEnd(null, row(epoch, valLoss[epoch - 1], 0.5), null, control);
        }
        assertArrayEquals(expected, seen, TOLERANCE);
    }

    @Test
    void plateauOnAccuracyWaitsForARise() {
        LrScheduler scheduler = new LrScheduler(LrSchedule.PLATEAU, 0.1, 5, 1, 0.1, 0, 0, Monitor.VAL_ACC);
        Control control = new Control(0.1);
        scheduler.onEpochEnd(null, row(1, 1, 0.80), null, control);
        scheduler.onEpochEnd(null, row(2, 1, 0.85), null, control); // a rise: kept
        assertEquals(0.1, control.learningRate(), TOLERANCE);
        scheduler.onEpochEnd(null, row(3, 1, 0.84), null, control); // a drop: cut at once (patience 0)
        assertEquals(0.01, control.learningRate(), TOLERANCE);
    }

    /** A checkpoint's schedule state continues the plateau count where it was. */
    @Test
    void plateauStateSurvivesARestore() {
        LrScheduler before = new LrScheduler(LrSchedule.PLATEAU, 0.1, 9, 1, 0.5, 2, 0, Monitor.VAL_LOSS);
        Control control = new Control(0.1);
        before.onEpochEnd(null, row(1, 1.0, 0), null, control);
        before.onEpochEnd(null, row(2, 1.0, 0), null, control); // bad epoch 1 of 3
        LrScheduler after = new LrScheduler(LrSchedule.PLATEAU, 0.1, 9, 1, 0.5, 2, 0, Monitor.VAL_LOSS);
        after.restore(before.state());
        after.onEpochEnd(null, row(3, 1.0, 0), null, control);
        assertEquals(0.1, control.learningRate(), TOLERANCE);
        after.onEpochEnd(null, row(4, 1.0, 0), null, control); // the third bad epoch in a row
        assertEquals(0.05, control.learningRate(), TOLERANCE);
    }

    static Stream<Arguments> stops() {
        return Stream.of(
                // best 0.80 at epoch 2; epochs 3, 4 do not beat it: patience 2 stops after epoch 4
                Arguments.of("patience 2 on val_acc", new EarlyStopping(2, Monitor.VAL_ACC, 0),
                        new double[] {0.70, 0.80, 0.79, 0.80, 0.90}, 4),
                // +0.005 is not more than min_delta 0.01: counts as no improvement
                Arguments.of("min_delta", new EarlyStopping(2, Monitor.VAL_ACC, 0.01),
                        new double[] {0.80, 0.805, 0.809, 0.95}, 3),
                Arguments.of("off", new EarlyStopping(0, Monitor.VAL_ACC, 0),
                        new double[] {0.8, 0.7, 0.6, 0.5}, -1));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stops")
    void earlyStoppingEpoch(String name, EarlyStopping stopping, double[] valAcc, int expectedStop) {
        int stoppedAfter = -1;
        Control control = new Control(0.1);
        for (int epoch = 1; epoch <= valAcc.length && stoppedAfter < 0; epoch++) {
            stopping.onEpochEnd(null, row(epoch, 1, valAcc[epoch - 1]), null, control);
            if (control.stopping()) {
                stoppedAfter = epoch;
            }
        }
        assertEquals(expectedStop, stoppedAfter);
    }

    @Test
    void earlyStoppingOnLossWantsItLower() {
        EarlyStopping stopping = new EarlyStopping(1, Monitor.VAL_LOSS, 0);
        assertEquals(false, stopping.shouldStop(row(1, 0.5, 0)));
        assertEquals(false, stopping.shouldStop(row(2, 0.4, 0)));
        assertEquals(true, stopping.shouldStop(row(3, 0.45, 0)));
    }

    /**
     * With a zero gradient only weight decay acts. Adam's L2 decay goes through the adaptive step,
     * so w moves by lr * sign(w) (m/sqrt(v) = sign(wd w)); AdamW's decoupled decay shrinks w by
     * the factor (1 - lr wd) and the Adam step itself is zero.
     */
    @Test
    void weightDecayIsL2ForAdamAndDecoupledForAdamW() {
        float[] w0 = {1f, -2f};
        assertArrayEquals(new float[] {0.99f, -1.99f}, oneZeroGradientStep(OptimizerKind.ADAM, w0), 1e-5f);
        assertArrayEquals(new float[] {1f * (1 - 0.01f * 0.1f), -2f * (1 - 0.01f * 0.1f)},
                oneZeroGradientStep(OptimizerKind.ADAMW, w0), 1e-6f);
    }

    /** The optimizer reads the scheduler's rate at every update: a cut applies from the next batch. */
    @Test
    void optimizerFollowsTheSchedule() {
        LrScheduler scheduler = new LrScheduler(LrSchedule.STEP, 0.01, 3, 1, 0.5, 0, 0, Monitor.VAL_LOSS);
        Control control = new Control(0.01);
        Optimizer adam = Optimizers.create(OptimizerTest.config(OptimizerKind.ADAM, 0.01, null, 0), control.rate);
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray weight = manager.create(new float[] {1f});
            weight.setRequiresGradient(true);
            adam.update("w", weight, manager.create(new float[] {1f}));
            assertEquals(0.99f, weight.getFloat(), 1e-6f); // Adam's first step is lr * sign(g)
            scheduler.onEpochEnd(null, row(1, 1, 0.5), null, control);
            adam.update("w", weight, manager.create(new float[] {1f}));
            assertEquals(0.985f, weight.getFloat(), 1e-6f); // constant g: step lr * sign(g) again, lr 0.005
        }
    }

    private static float[] oneZeroGradientStep(OptimizerKind kind, float[] w0) {
        Optimizer optimizer = Optimizers.create(OptimizerTest.config(kind, 0.01, null, 0.1), new LearningRate(0.01));
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray weight = manager.create(w0.clone());
            weight.setRequiresGradient(true);
            optimizer.update("w", weight, manager.zeros(weight.getShape()));
            return weight.toFloatArray();
        }
    }

    /** The loop's side of a listener call: a learning rate and a stop flag. */
    private static final class Control implements EpochControl {
        final LearningRate rate;
        private boolean stopping;

        Control(double initial) {
            rate = new LearningRate(initial);
        }

        @Override
        public double learningRate() {
            return rate.get();
        }

        @Override
        public void setLearningRate(double next) {
            rate.set(next);
        }

        @Override
        public void stopAfterThisEpoch() {
            stopping = true;
        }

        @Override
        public boolean stopping() {
            return stopping;
        }

        @Override
        public Optional<TrainingState> state() {
            return Optional.empty();
        }
    }

    private static EpochRecord row(int epoch, double valLoss, double valAcc) {
        return new EpochRecord("t", epoch, 1, 0.5, valLoss, valAcc, 1, 0.5, 0.1, 1, epoch);
    }
}
