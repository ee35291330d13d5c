package dev.sweeprunner.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.sweeprunner.spec.InitKind;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Sampled variance of each initialiser against torch.nn.init's formula, on a dense and a conv shape. */
class InitializerTest {
    /** 3% on ~2*10^5 samples is > 10 standard errors of the variance estimate: no flaky failures. */
    private static final double RELATIVE_TOLERANCE = 0.03;
    private static final Shape DENSE = new Shape(400, 500); // fan_in 500, fan_out 400
    private static final Shape CONV = new Shape(128, 64, 3, 3); // fan_in 576, fan_out 1152

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of(InitKind.KAIMING_UNIFORM, DENSE, uniformVariance(Math.sqrt(6.0 / 500))),
                Arguments.of(InitKind.KAIMING_UNIFORM, CONV, uniformVariance(Math.sqrt(6.0 / 576))),
                Arguments.of(InitKind.KAIMING_NORMAL, DENSE, 2.0 / 500),
                Arguments.of(InitKind.KAIMING_NORMAL, CONV, 2.0 / 576),
                Arguments.of(InitKind.XAVIER_UNIFORM, DENSE, uniformVariance(Math.sqrt(6.0 / 900))),
                Arguments.of(InitKind.XAVIER_NORMAL, CONV, 2.0 / (576 + 1152)),
                Arguments.of(InitKind.NORMAL, DENSE, TorchInitializer.NORMAL_STD * TorchInitializer.NORMAL_STD),
                Arguments.of(InitKind.TORCH_DEFAULT, DENSE, uniformVariance(1 / Math.sqrt(500))),
                Arguments.of(InitKind.TORCH_DEFAULT, CONV, uniformVariance(1 / Math.sqrt(576))));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void sampledVarianceMatchesPyTorch(InitKind kind, Shape shape, double expectedVariance) {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray w = new TorchInitializer(kind).initialize(manager, shape, DataType.FLOAT32);
            double mean = w.mean().getFloat();
            double variance = w.sub(mean).square().mean().getFloat();
            assertEquals(0, mean, 0.01 * Math.sqrt(expectedVariance) * 10, "mean near zero");
            assertEquals(expectedVariance, variance, RELATIVE_TOLERANCE * expectedVariance, kind + " variance");
        }
    }

    @ParameterizedTest(name = "bias of {0}")
    @MethodSource("cases")
    void biasesAreZeroExceptForTorchDefault(InitKind kind, Shape shape, double ignored) {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray bias = TorchInitializer.bias(kind, 500).initialize(manager, new Shape(5000), DataType.FLOAT32);
            float maxAbs = bias.abs().max().getFloat();
            if (kind == InitKind.TORCH_DEFAULT) {
                assertTrue(maxAbs > 0.04f && maxAbs <= 1 / Math.sqrt(500), "U(±1/sqrt(fan_in)), max " + maxAbs);
            } else {
                assertEquals(0f, maxAbs);
            }
        }
    }

    private static double uniformVariance(double bound) {
        return bound * bound / 3;
    }
}
