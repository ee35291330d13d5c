package dev.sweeprunner.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.initializer.Initializer;
import dev.sweeprunner.spec.InitKind;

/**
 * Weight initialisers with PyTorch's formulas (torch.nn.init), fans computed as PyTorch does:
 * fan_in = shape[1] * receptive field, fan_out = shape[0] * receptive field.
 */
public record TorchInitializer(InitKind kind) implements Initializer {
    /** Keras' RandomNormal default; study A's "random-normal" came from there. */
    public static final double NORMAL_STD = 0.05;

    @Override
    public NDArray initialize(NDManager manager, Shape shape, DataType dataType) {
        long receptive = shape.dimension() > 2 ? shape.slice(2).size() : 1;
        double fanIn = shape.get(1) * receptive;
        double fanOut = shape.get(0) * receptive;
        return switch (kind) {
            case NORMAL -> normal(manager, shape, dataType, NORMAL_STD);
            case XAVIER_NORMAL -> normal(manager, shape, dataType, Math.sqrt(2.0 / (fanIn + fanOut)));
            case XAVIER_UNIFORM -> uniform(manager, shape, dataType, Math.sqrt(6.0 / (fanIn + fanOut)));
            case KAIMING_NORMAL -> normal(manager, shape, dataType, Math.sqrt(2.0 / fanIn));
            case KAIMING_UNIFORM -> uniform(manager, shape, dataType, Math.sqrt(6.0 / fanIn));
            // kaiming_uniform_(a=sqrt(5)) as nn.Linear/nn.Conv2d.reset_parameters: bound 1/sqrt(fan_in)
            case TORCH_DEFAULT -> uniform(manager, shape, dataType, 1.0 / Math.sqrt(fanIn));
        };
    }

    /** Biases: zeros for explicit initialisations (Keras and torch.nn.init users' convention), PyTorch's own U(±1/sqrt(fan_in)) otherwise. */
    public static Initializer bias(InitKind kind, long fanIn) {
        if (kind != InitKind.TORCH_DEFAULT) {
            return Initializer.ZEROS;
        }
        float bound = (float) (1.0 / Math.sqrt(fanIn));
        return (manager, shape, dataType) -> manager.randomUniform(-bound, bound, shape, dataType, manager.getDevice());
    }

    private static NDArray normal(NDManager manager, Shape shape, DataType dataType, double std) {
        return manager.randomNormal(0f, (float) std, shape, dataType, manager.getDevice());
    }

    private static NDArray uniform(NDManager manager, Shape shape, DataType dataType, double bound) {
        return manager.randomUniform((float) -bound, (float) bound, shape, dataType, manager.getDevice());
    }
}
