package dev.sweeprunner.spec;

/** Per-epoch learning-rate schedules, each as the PyTorch scheduler of the same idea. */
public enum LrSchedule implements Choice {
    /** The lr stays fixed. */
    NONE,
    /** StepLR: multiply by lr_factor every lr_step epochs. */
    STEP,
    /** CosineAnnealingLR with T_max = epochs, eta_min = lr_min. */
    COSINE,
    /** ReduceLROnPlateau: multiply by lr_factor after lr_patience epochs without improvement of lr_monitor. */
    PLATEAU
}
