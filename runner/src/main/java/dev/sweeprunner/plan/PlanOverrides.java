package dev.sweeprunner.plan;

/**
 * Command-line settings that replace the file's: {@code --epochs}, {@code --train-limit} (null =
 * keep), and {@code --max-trials}, the most trials a grid may expand to.
 */
public record PlanOverrides(Integer epochs, Integer trainLimit, long maxTrials) {
    /**
     * A grid larger than this is almost always a mistake (one list too many), and expanding it
     * would take minutes and gigabytes before saying so; a real sweep this size raises the limit.
     */
    public static final long DEFAULT_MAX_TRIALS = 100_000;
    public static final PlanOverrides NONE = new PlanOverrides(null, null);

    public PlanOverrides(Integer epochs, Integer trainLimit) {
        this(epochs, trainLimit, DEFAULT_MAX_TRIALS);
    }
}
