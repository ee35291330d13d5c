package dev.sweeprunner.spec;

/** Weight initialisations, each matching PyTorch's function of the same name. */
public enum InitKind implements Choice {
    /** N(0, 0.05²): Keras' RandomNormal default, the "random-normal" of study A. */
    NORMAL,
    XAVIER_NORMAL,
    XAVIER_UNIFORM,
    KAIMING_NORMAL,
    KAIMING_UNIFORM,
    /** What nn.Linear / nn.Conv2d do by themselves: weights and biases U(±1/sqrt(fan_in)). */
    TORCH_DEFAULT
}
