package dev.sweeprunner.spec;

public enum OptimizerKind implements Choice {
    SGD,
    ADAM,
    ADAMW,
    RMSPROP;

    /** Momentum only means something to these two (PyTorch's SGD and RMSprop). */
    public boolean usesMomentum() {
        return this == SGD || this == RMSPROP;
    }
}
