package dev.sweeprunner.plan;

/** One planned training run: its position in the plan, settings and sized network. */
public record Trial(int index, String id, String configHash, TrialConfig config, NetShape shape) {

    public long params() {
        return shape.paramCount();
    }
}
