package dev.sweeprunner.train;

import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import dev.sweeprunner.plan.TrialConfig;

/**
 * The trial's optimizer. SGD, Adam and AdamW are DJL's fused native updates (fast, one call per
 * parameter); their beta/epsilon defaults equal PyTorch's. RMSprop is ours: DJL's throws on PyTorch.
 */
public final class Optimizers {
    private Optimizers() {}

    /**
     * {@code lr} is read at every update, so a schedule changes it between epochs. DJL's SGD keeps
     * lr inside its momentum buffer ({@code v = m*v + lr*g}), PyTorch's outside it: with momentum
     * and a changing lr the two differ slightly; with a fixed lr they are the same.
     */
    public static Optimizer create(TrialConfig config, Tracker lr) {
        float weightDecay = (float) config.weightDecay();
        float momentum = config.momentum() == null ? 0f : config.momentum().floatValue();
        return switch (config.optimizer()) {
            case SGD -> Optimizer.sgd().setLearningRateTracker(lr).optMomentum(momentum)
                    .optWeightDecays(weightDecay).build();
            case ADAM -> Optimizer.adam().optLearningRateTracker(lr).optWeightDecays(weightDecay).build();
            case ADAMW -> Optimizer.adamW().optLearningRateTracker(lr).optWeightDecays(weightDecay).build();
            case RMSPROP -> new TorchRmsProp(lr, momentum, weightDecay);
        };
    }
}
