package dev.sweeprunner.plan;

/** Command-line settings that replace the file's: {@code --epochs}, {@code --train-limit}. Null = keep. */
public record PlanOverrides(Integer epochs, Integer trainLimit) {
    public static final PlanOverrides NONE = new PlanOverrides(null, null);
}
