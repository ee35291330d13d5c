package dev.sweeprunner.plan;

/** One planned training run: its position in the plan, settings and network. */
public record Trial(int index, String id, String configHash, TrialConfig config, Network network) {

    public long params() {
        return network.paramCount();
    }

    /** Relative training work: forward multiply-adds per image x epochs (the training set is the plan's). */
    public double estimatedWork() {
        return (double) network.multiplyAdds() * config.epochs();
    }
}
