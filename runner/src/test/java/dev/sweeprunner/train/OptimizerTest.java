package dev.sweeprunner.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import dev.sweeprunner.plan.TrialConfig;
import dev.sweeprunner.spec.Families;
import dev.sweeprunner.spec.DataSettings;
import dev.sweeprunner.spec.TrialField;
import dev.sweeprunner.spec.OptimizerKind;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Two updates of w0 = [1, -2] with gradient g = [0.5, -1] each step, against values worked out by
 * hand from PyTorch's update rules (torch.optim.*, constant learning rate).
 */
class OptimizerTest {
    private static final float[] W0 = {1f, -2f};
    private static final float[] GRADIENT = {0.5f, -1f};
    private static final float TOLERANCE = 1e-5f;

    static Stream<Arguments> cases() {
        return Stream.of(
                // v1 = g, w1 = w0 - 0.1 g = [0.95, -1.9]; v2 = 0.9 g + g, w2 = w1 - 0.19 g
                Arguments.of("sgd momentum 0.9", OptimizerKind.SGD, 0.1, 0.9, 0.0, new float[] {0.855f, -1.71f}),
                // w1 = w0 - 0.1 (g + 0.01 w0) = [0.949, -1.898]; again from w1
                Arguments.of("sgd weight decay", OptimizerKind.SGD, 0.1, 0.0, 0.01,
                        new float[] {0.949f - 0.1f * (0.5f + 0.01f * 0.949f), -1.898f - 0.1f * (-1f + 0.01f * -1.898f)}),
                // bias-corrected m/sqrt(v) = sign(g) while g is constant: 0.01 per step
                Arguments.of("adam", OptimizerKind.ADAM, 0.01, null, 0.0, new float[] {0.98f, -1.98f}),
                // decoupled: w *= 1 - lr*wd, then the Adam step of 0.01 sign(g)
                Arguments.of("adamw", OptimizerKind.ADAMW, 0.01, null, 0.1,
                        new float[] {(1f * 0.999f - 0.01f) * 0.999f - 0.01f, (-2f * 0.999f + 0.01f) * 0.999f + 0.01f}),
                // s1 = 0.01 g², step 0.01 g / 0.1|g| = 0.1; s2 = 0.0199 g², step 0.01 / sqrt(0.0199) = 0.0708881
                Arguments.of("rmsprop", OptimizerKind.RMSPROP, 0.01, 0.0, 0.0, new float[] {0.8291119f, -1.8291119f}),
                // b1 = 10 sign(g); b2 = 0.9 b1 + 7.08881 sign(g) = 16.08881 sign(g), times lr 0.01
                Arguments.of("rmsprop momentum 0.9", OptimizerKind.RMSPROP, 0.01, 0.9, 0.0,
                        new float[] {0.7391119f, -1.7391119f}));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void twoStepsMatchHandComputedValues(String name, OptimizerKind kind, double lr, Double momentum,
            double weightDecay, float[] expected) {
        Optimizer optimizer = Optimizers.create(config(kind, lr, momentum, weightDecay), Tracker.fixed((float) lr));
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray weight = manager.create(W0.clone());
            weight.setRequiresGradient(true);
            for (int step = 0; step < 2; step++) {
                backwardConstantGradient(manager, weight);
                try (NDArray grad = weight.getGradient()) {
                    optimizer.update("w", weight, grad);
                }
                assertArrayEquals(new float[] {0f, 0f}, weight.getGradient().toFloatArray(), "gradient cleared");
            }
            assertArrayEquals(expected, weight.toFloatArray(), TOLERANCE);
        }
    }

    @Test
    void rmspropEpsilonAndAlphaArePyTorchDefaults() {
        assertEquals(0.99f, TorchRmsProp.DEFAULT_ALPHA);
        assertEquals(1e-8f, TorchRmsProp.DEFAULT_EPSILON);
    }

    /** loss = sum(w * g) has gradient g. */
    private static void backwardConstantGradient(NDManager manager, NDArray weight) {
        try (GradientCollector collector = Engine.getInstance().newGradientCollector();
                NDManager step = manager.newSubManager()) {
            NDArray g = step.create(GRADIENT);
            collector.backward(weight.mul(g).sum());
        }
    }

    static TrialConfig config(OptimizerKind kind, double lr, Double momentum, double weightDecay) {
        java.util.Map<TrialField, Object> values = new java.util.EnumMap<>(TrialField.class);
        values.put(TrialField.ARCH, Families.byName("fcn").orElseThrow());
        values.put(TrialField.OPTIMIZER, kind);
        values.put(TrialField.LR, lr);
        values.put(TrialField.WEIGHT_DECAY, weightDecay);
        if (momentum != null) {
            values.put(TrialField.MOMENTUM, momentum);
        }
        return new TrialConfig(values, DataSettings.defaults(), null, null);
    }
}
