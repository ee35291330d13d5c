package dev.sweeprunner.sweep;

import dev.sweeprunner.plan.Plan;
import dev.sweeprunner.records.TrialStore;

/**
 * What the caller of a {@link Sweep} hears about the sweep as a whole (per-trial events are
 * {@code TrialListener}s). The sweep writes records only; whatever is derived from them, such
 * as the report, is the caller's business, done from here.
 */
public interface SweepListener {
    /** Hears nothing. */
    SweepListener NONE = new SweepListener() {};

    /**
     * The first slot left without work while other slots still train. Runs on that slot's
     * thread, on the core it freed; a trial may be mid-write, so what is read here is a preview.
     */
    default void onFirstIdleSlot(Plan plan, TrialStore store) {}

    /** Every selected trial has ended, or the sweep was stopped; runs before {@code run} returns. */
    default void onSweepEnd(Plan plan, TrialStore store) {}
}
