package dev.sweeprunner.plan;

import dev.sweeprunner.spec.Family;

/**
 * The plan-side part of an architecture family: the network of a budget-sized trial. The family's
 * fields are checked by their {@link dev.sweeprunner.spec.TrialField} rules (its depth field
 * applies only to it); its network is built for training from its layers (train.ModelFactory),
 * so a family made of known layer kinds needs no code outside its own class. Register the class
 * in {@code META-INF/services/dev.sweeprunner.spec.Family}.
 */
public interface NetworkFamily extends Family {
    /**
     * The widest network of this family with {@code depth} (the value of its depth field) that has
     * at most {@code budget} trainable parameters and at least {@link Sizing#MIN_FILL} of it.
     *
     * @throws Sizing.Impossible when no such network exists; the message says why
     */
    Network size(int depth, boolean batchNorm, double dropout, long budget);

    /** The plan-side view of a registered family (every registered family implements this). */
    static NetworkFamily of(Family family) {
        if (family instanceof NetworkFamily sized) {
            return sized;
        }
        throw new IllegalStateException(family.getClass().getName() + " is registered as a family but does not implement "
                + NetworkFamily.class.getName());
    }
}
