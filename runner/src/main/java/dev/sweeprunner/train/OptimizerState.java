package dev.sweeprunner.train;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * An optimizer's per-parameter buffers (SGD's momentum, Adam's two moments, RMSprop's square
 * averages and momentum) and its update count (Adam's bias correction), for checkpoints. DJL
 * keeps the buffers in private maps and has no API to read or set them; every optimizer reaches
 * its maps through {@code Optimizer.withDefaultState}, which our optimizers override to pass
 * through here ({@link Optimizers}). A map is numbered by when it is first used in an update
 * (Adam: means 0, variances 1), a buffer named by its parameter's place in the block (DJL's
 * parameter ids are random per run). Restored buffers replace the zeros a fresh optimizer starts
 * from; the count is restored through DJL's own {@code optBeginNumUpdate}.
 */
public final class OptimizerState implements AutoCloseable {
    /** Saved buffers (NDList, DJL's format, arrays named {@code <map>/<parameter>}) and updates done. */
    public record Saved(int updates, byte[] buffers) {}

    private final Map<Map<String, Map<Device, NDArray>>, Integer> maps = new IdentityHashMap<>();
    private final List<Map<String, Map<Device, NDArray>>> inOrder = new ArrayList<>();
    private final Map<String, String> names = new HashMap<>();
    private final Map<String, NDArray> restored = new HashMap<>();
    private final NDManager restoredManager;
    private final int restoredUpdates;
    private int updates;

    private OptimizerState(NDManager restoredManager, int restoredUpdates) {
        this.restoredManager = restoredManager;
        this.restoredUpdates = restoredUpdates;
        this.updates = restoredUpdates;
    }

    /** A fresh optimizer's state: zeros, no updates. */
    public static OptimizerState fresh() {
        return new OptimizerState(null, 0);
    }

    /** The state a checkpoint saved, applied as the optimizer first touches each buffer. */
    public static OptimizerState restoring(Saved saved) {
        NDManager manager = NDManager.newBaseManager(Device.cpu());
        OptimizerState state = new OptimizerState(manager, saved.updates());
        for (NDArray array : NDList.decode(manager, saved.buffers())) {
            state.restored.put(array.getName(), array);
        }
        return state;
    }

    /** Updates done before this run started: DJL's {@code optBeginNumUpdate}. */
    int beginNumUpdate() {
        return restoredUpdates;
    }

    /** Names the block's parameters (after initialisation, before the first update). */
    public void bind(Block block) {
        for (Pair<String, Parameter> p : block.getParameters()) {
            names.put(p.getValue().getId(), p.getKey());
        }
    }

    /** What the optimizer's {@code withDefaultState} gets instead of {@code zeros}. */
    Function<String, NDArray> initial(Map<String, Map<Device, NDArray>> buffers, Function<String, NDArray> zeros) {
        int slot = maps.computeIfAbsent(buffers, m -> {
            inOrder.add(m);
            return inOrder.size() - 1;
        });
        return parameterId -> {
            NDArray initial = zeros.apply(parameterId);
            NDArray saved = restored.isEmpty() ? null : restored.remove(key(slot, parameterId));
            if (saved != null) {
                saved.copyTo(initial);
                saved.close();
            }
            return initial;
        };
    }

    /** Passes the optimizer's update count through, remembering it. */
    int counted(int count) {
        updates = count;
        return count;
    }

    /** The buffers and count now (copies: training goes on). */
    public Saved save() {
        try (NDManager temporary = NDManager.newBaseManager(Device.cpu())) {
            // buffers restored but not touched yet (no update since the resume) are saved as they came
            Map<String, NDArray> sorted = new TreeMap<>(restored);
            for (int slot = 0; slot < inOrder.size(); slot++) {
                for (Map.Entry<String, Map<Device, NDArray>> e : inOrder.get(slot).entrySet()) {
                    NDArray buffer = e.getValue().values().iterator().next();
                    NDArray copy = buffer.getDevice().isGpu() ? buffer.toDevice(Device.cpu(), true) : buffer.duplicate();
                    copy.attach(temporary);
                    String key = key(slot, e.getKey());
                    copy.setName(key);
                    sorted.put(key, copy);
                }
            }
            return new Saved(updates, new NDList(sorted.values()).encode());
        }
    }

    private String key(int slot, String parameterId) {
        String name = names.get(parameterId);
        if (name == null) {
            throw new IllegalStateException("parameter " + parameterId + " is not in the bound block");
        }
        return slot + "/" + name;
    }

    @Override
    public void close() {
        if (restoredManager != null) {
            restoredManager.close();
        }
    }
}
