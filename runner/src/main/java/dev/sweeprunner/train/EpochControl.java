package dev.sweeprunner.train;

import java.util.Optional;

/**
 * What a listener may do to the training between two epochs (DJL's listeners get the Trainer;
 * ours get only this): the schedule sets the next epoch's learning rate, early stopping ends the
 * trial, a checkpoint saves the state the next epoch starts from.
 */
public interface EpochControl {
    /** The learning rate the epoch that just ended trained with. */
    double learningRate();

    /** The rate the next epoch trains with (the optimizer reads it at every update). */
    void setLearningRate(double rate);

    /** Ends the trial after this epoch; it completes with the epochs it has (early stopping). */
    void stopAfterThisEpoch();

    /** True once a listener has asked to stop after this epoch. */
    boolean stopping();

    /**
     * Everything the next epoch starts from, read from the model, optimizer and random generators
     * now (a device synchronisation: only checkpoints ask for it), with what the listeners told
     * before this one decided (the next rate, a stop). Empty when this training cannot be
     * continued exactly in another process (see {@link EngineRandom#checkpointable}).
     */
    Optional<TrainingState> state();
}
