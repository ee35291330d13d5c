package dev.sweeprunner.train;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.ParameterTracker;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * torch.optim.RMSprop (not centred), which DJL's PyTorch engine lacks:
 * {@code g += wd*w; s = alpha*s + (1-alpha)*g²; b = momentum*b + g/(sqrt(s)+eps); w -= lr*b}
 * (without momentum, {@code w -= lr*g/(sqrt(s)+eps)}).
 */
public final class TorchRmsProp extends Optimizer {
    /** PyTorch's defaults for RMSprop. */
    public static final float DEFAULT_ALPHA = 0.99f;
    public static final float DEFAULT_EPSILON = 1e-8f;

    private final ParameterTracker learningRate;
    private final float alpha;
    private final float epsilon;
    private final float momentum;
    private final float weightDecay;
    private final Map<String, Map<Device, NDArray>> squareAverages = new ConcurrentHashMap<>();
    private final Map<String, Map<Device, NDArray>> momentumBuffers = new ConcurrentHashMap<>();
    /** Scalar operands per device, made once: no host-to-device copy per parameter and step. */
    private final Map<Device, DeviceScalars> scalars = new ConcurrentHashMap<>();

    private final OptimizerState state;

    /** {@code state} sees the buffers and update count (checkpoints) and may hold restored ones. */
    public TorchRmsProp(ParameterTracker learningRate, float momentum, float weightDecay, OptimizerState state) {
        // the base only keeps update counts
        super(Optimizer.sgd().setLearningRateTracker(learningRate).optBeginNumUpdate(state.beginNumUpdate()));
        this.state = state;
        this.learningRate = learningRate;
        this.alpha = DEFAULT_ALPHA;
        this.epsilon = DEFAULT_EPSILON;
        this.momentum = momentum;
        this.weightDecay = weightDecay;
    }

    @Override
    public void update(String parameterId, NDArray weight, NDArray grad) {
        float lr = learningRate.getNewValue(parameterId, updateCount(parameterId));
        NDArray square = withDefaultState(squareAverages, parameterId, weight.getDevice(), k -> weight.zerosLike());
        // the manager of the first parameter seen on a device outlives the trainer's steps
        DeviceScalars s = scalars.computeIfAbsent(weight.getDevice(), d -> new DeviceScalars(weight.getManager()));
        try (NDArray g = weightDecay == 0 ? grad.duplicate() : grad.add(weight.mul(s.of(weightDecay)));
                NDArray gSquared = g.square();
                NDArray denominator = square.muli(s.of(alpha)).addi(gSquared.muli(s.of(1 - alpha))).sqrt()
                        .addi(s.of(epsilon));
                NDArray step = g.div(denominator)) {
            // lr is a schedule's value: a new one costs one copy, at most once per schedule change
            if (momentum > 0) {
                NDArray buffer = withDefaultState(momentumBuffers, parameterId, weight.getDevice(), k -> weight.zerosLike());
                buffer.muli(s.of(momentum)).addi(step);
                try (NDArray scaled = buffer.mul(s.of(lr))) {
                    weight.subi(scaled);
                }
            } else {
                weight.subi(step.muli(s.of(lr)));
            }
        }
        // DJL's own optimizers clear the gradient inside their update; the trainer relies on it.
        JniUtils.zeroGrad((PtNDArray) weight);
    }

    @Override
    protected NDArray withDefaultState(Map<String, Map<Device, NDArray>> buffers, String key, Device device,
            java.util.function.Function<String, NDArray> zeros) {
        return super.withDefaultState(buffers, key, device, state.initial(buffers, zeros));
    }

    @Override
    protected int updateCount(String parameterId) {
        return state.counted(super.updateCount(parameterId));
    }
}
