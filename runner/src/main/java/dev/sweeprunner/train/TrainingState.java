package dev.sweeprunner.train;

import dev.sweeprunner.records.ConfusionMatrix;
import dev.sweeprunner.records.EpochRecord;
import java.util.List;
import java.util.Optional;

/**
 * Everything the training loop needs to continue after epoch {@link #epoch()} exactly as an
 * uninterrupted run would: what a checkpoint holds besides the schedule's and early stopping's
 * own state.
 *
 * @param rows the finished epochs' rows, in order (epochs.csv is rebuilt from them)
 * @param bestEpoch the best epoch so far by the trial's best_by (1-based)
 * @param bestConfusion that epoch's test confusion matrix (confusion.csv's best row)
 * @param bestParameters that epoch's weights in DJL's format (as in best.params)
 * @param learningRate the rate the next epoch trains with
 * @param stoppedEarly early stopping has ended the trial after this epoch
 * @param elapsedS seconds of training so far (the next rows' elapsed_s continue from it)
 * @param parameters the model now (BatchNorm statistics included), arrays named by block path
 * @param optimizer the optimizer's buffers and update count
 * @param shuffle the data-order generator (a serialised {@code java.util.Random})
 * @param engineRandom PyTorch's CPU generator ({@link EngineRandom}); empty when not saved
 * @param intraOpThreads the engine's thread count: the same count gives the same bits
 */
public record TrainingState(
        List<EpochRecord> rows,
        int bestEpoch,
        ConfusionMatrix bestConfusion,
        byte[] bestParameters,
        double learningRate,
        boolean stoppedEarly,
        double elapsedS,
        byte[] parameters,
        OptimizerState.Saved optimizer,
        byte[] shuffle,
        Optional<byte[]> engineRandom,
        int intraOpThreads) {

    public TrainingState {
        rows = List.copyOf(rows);
    }

    /** The last finished epoch: the next one is {@code epoch() + 1}. */
    public int epoch() {
        return rows.size();
    }

    public EpochRecord best() {
        return rows.get(bestEpoch - 1);
    }
}
