package dev.sweeprunner.train;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * A block that runs in fp32 inside a bf16 network: its input is cast up and autocast is off
 * while it runs, so its forward and backward passes are fp32 ones. Its output stays fp32 until
 * the next block autocast lowers. Which blocks need this, and why, is decided in
 * {@link ModelFactory}.
 */
final class Fp32Block extends AbstractBlock {
    private static final byte VERSION = 1;

    private final Block inner;

    Fp32Block(Block inner) {
        super(VERSION);
        this.inner = addChildBlock("fp32", inner);
    }

    @Override
    protected NDList forwardInternal(ParameterStore parameterStore, NDList inputs, boolean training,
            PairList<String, Object> params) {
        NDList fp32 = new NDList(Autocast.toFp32(inputs.singletonOrThrow()));
        try (Autocast.Scope off = Autocast.paused()) {
            return inner.forward(parameterStore, fp32, training, params);
        }
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return inner.getOutputShapes(inputShapes);
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        inner.initialize(manager, dataType, inputShapes);
    }
}
