package dev.sweeprunner.train;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.training.optimizer.Adam;
import ai.djl.training.optimizer.AdamW;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.optimizer.Sgd;
import ai.djl.training.tracker.Tracker;
import dev.sweeprunner.plan.TrialConfig;
import java.util.Map;
import java.util.function.Function;

/**
 * The trial's optimizer. SGD, Adam and AdamW are DJL's fused native updates (fast, one call per
 * parameter); their beta/epsilon defaults equal PyTorch's. RMSprop is ours: DJL's throws on PyTorch.
 */
public final class Optimizers {
    private Optimizers() {}

    /**
     * {@code lr} is read at every update, so a schedule changes it between epochs. DJL's SGD keeps
     * lr inside its momentum buffer ({@code v = m*v + lr*g}), PyTorch's outside it: with momentum
     * and a changing lr the two differ slightly; with a fixed lr they are the same. {@code state}
     * sees the optimizer's buffers and update count (for checkpoints) and may hold restored ones.
     */
    public static Optimizer create(TrialConfig config, Tracker lr, OptimizerState state) {
        float weightDecay = (float) config.weightDecay();
        float momentum = config.momentum() == null ? 0f : config.momentum().floatValue();
        int updatesDone = state.beginNumUpdate();
        return switch (config.optimizer()) {
            case SGD -> new StatefulSgd(Optimizer.sgd().setLearningRateTracker(lr).optMomentum(momentum)
                    .optWeightDecays(weightDecay).optBeginNumUpdate(updatesDone), state);
            case ADAM -> new StatefulAdam(Optimizer.adam().optLearningRateTracker(lr).optWeightDecays(weightDecay)
                    .optBeginNumUpdate(updatesDone), state);
            case ADAMW -> new StatefulAdamW(Optimizer.adamW().optLearningRateTracker(lr).optWeightDecays(weightDecay)
                    .optBeginNumUpdate(updatesDone), state);
            case RMSPROP -> new TorchRmsProp(lr, momentum, weightDecay, state);
        };
    }

    /** A fresh optimizer whose state nobody saves (tests, one-off updates). */
    public static Optimizer create(TrialConfig config, Tracker lr) {
        return create(config, lr, OptimizerState.fresh());
    }

    // DJL's optimizers, unchanged but for two hooks through which OptimizerState sees their
    // buffers and update count (DJL has no other way to save or restore them).

    private static final class StatefulSgd extends Sgd {
        private final OptimizerState state;

        StatefulSgd(Sgd.Builder builder, OptimizerState state) {
            super(builder);
            this.state = state;
        }

        @Override
        protected NDArray withDefaultState(Map<String, Map<Device, NDArray>> buffers, String key, Device device,
                Function<String, NDArray> zeros) {
            return super.withDefaultState(buffers, key, device, state.initial(buffers, zeros));
        }

        @Override
        protected int updateCount(String parameterId) {
            return state.counted(super.updateCount(parameterId));
        }
    }

    private static final class StatefulAdam extends Adam {
        private final OptimizerState state;

        StatefulAdam(Adam.Builder builder, OptimizerState state) {
            super(builder);
            this.state = state;
        }

        @Override
        protected NDArray withDefaultState(Map<String, Map<Device, NDArray>> buffers, String key, Device device,
                Function<String, NDArray> zeros) {
            return super.withDefaultState(buffers, key, device, state.initial(buffers, zeros));
        }

        @Override
        protected int updateCount(String parameterId) {
            return state.counted(super.updateCount(parameterId));
        }
    }

    private static final class StatefulAdamW extends AdamW {
        private final OptimizerState state;

        StatefulAdamW(AdamW.Builder builder, OptimizerState state) {
            super(builder);
            this.state = state;
        }

        @Override
        protected NDArray withDefaultState(Map<String, Map<Device, NDArray>> buffers, String key, Device device,
                Function<String, NDArray> zeros) {
            return super.withDefaultState(buffers, key, device, state.initial(buffers, zeros));
        }

        @Override
        protected int updateCount(String parameterId) {
            return state.counted(super.updateCount(parameterId));
        }
    }
}
