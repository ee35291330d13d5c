package dev.sweeprunner.spec;

/**
 * Who decides how many epochs a trial trains, when not its {@code epochs} setting. Set on every
 * trial of a search with a {@code scheduler:} block (never written in a grid): such a trial's
 * identity leaves its length out, so that raising max_epochs continues the same trials.
 */
public enum Scheduler implements Choice {
    /** Asynchronous successive halving over epochs (see {@link SearchSpec.Asha}). */
    ASHA
}
