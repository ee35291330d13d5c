package dev.sweeprunner.train;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import com.sun.jna.Function;
import com.sun.jna.Pointer;
import dev.sweeprunner.plan.Network;
import dev.sweeprunner.spec.Layer;
import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * The state of PyTorch's CPU random generator (dropout masks and augmentation draws on the CPU),
 * saved with every checkpoint so that a resumed trial draws the numbers an uninterrupted one
 * would. Reseeding from (seed, epoch) instead would change every committed trial with dropout.
 *
 * <p>Written by hand because neither DJL nor its JNI library exposes the state (only
 * {@code torch.manual_seed}): this calls libtorch's own {@code at::Generator::get_state} and
 * {@code set_state} through JNA (already on DJL's classpath) by their C++ (Itanium ABI) names.
 * A C++ exception thrown there would abort the JVM, so every argument is checked first: the
 * state is a CPU uint8 tensor of exactly the size libtorch itself returns. Where the library or
 * a symbol is not found (another platform or libtorch build), {@link #available()} is false and
 * trials that draw random numbers while training are not checkpointed ({@link #checkpointable}).
 *
 * <p>CUDA's generator (what dropout and augmentation use on a GPU) is not handled: a GPU trial
 * that draws random numbers while training writes no checkpoint and restarts from epoch 1.
 */
public final class EngineRandom {
    /** {@code const at::Generator& at::detail::getDefaultCPUGenerator()}. */
    private static final String DEFAULT_CPU_GENERATOR = "_ZN2at6detail22getDefaultCPUGeneratorEv";
    /** {@code at::Tensor at::Generator::get_state() const}: the tensor comes back through a hidden pointer. */
    private static final String GET_STATE = "_ZNK2at9Generator9get_stateEv";
    /** {@code void at::Generator::set_state(const at::Tensor&)}. */
    private static final String SET_STATE = "_ZN2at9Generator9set_stateERKNS_6TensorE";
    /** {@code operator new(size_t)}: DJL frees a tensor handle with C++ {@code delete}. */
    private static final String OPERATOR_NEW = "_Znwm";
    /** An {@code at::Tensor} is one pointer (its intrusive_ptr to the TensorImpl). */
    private static final long TENSOR_BYTES = 8;

    private static final Optional<Natives> NATIVES = Natives.find();

    private EngineRandom() {}

    /** The functions, found once per JVM (a constant, not state: the library does not change). */
    private record Natives(Pointer generator, Function getState, Function setState, Function operatorNew) {
        static Optional<Natives> find() {
            try {
                return LibtorchCpu.find().map(lib -> new Natives(
                        (Pointer) lib.getFunction(DEFAULT_CPU_GENERATOR).invoke(Pointer.class, new Object[0]),
                        lib.getFunction(GET_STATE), lib.getFunction(SET_STATE), lib.getFunction(OPERATOR_NEW)));
            } catch (RuntimeException | UnsatisfiedLinkError e) {
                return Optional.empty();
            }
        }
    }

    /** True when the CPU generator's state can be read and restored in this JVM. */
    public static boolean available() {
        return NATIVES.isPresent();
    }

    /**
     * True when a trial draws engine random numbers after its weights are initialised: a dropout
     * layer or augmentation. Only such a trial needs the generator's state to resume exactly.
     */
    public static boolean drawnWhileTraining(Network network, Augmentation augmentation) {
        return augmentation.enabled() || network.layers().stream()
                .anyMatch(layer -> layer instanceof Layer.Dropout dropout && dropout.rate() > 0);
    }

    /**
     * True when a checkpoint can carry everything a trial on {@code device} draws: a trial that
     * draws nothing while training always; one that does on the CPU when the functions were found.
     */
    public static boolean checkpointable(Device device, Network network, Augmentation augmentation) {
        return !drawnWhileTraining(network, augmentation) || (available() && !device.isGpu());
    }

    /** The CPU generator's state now (PyTorch's own format, a few KB). */
    public static byte[] save() {
        Natives natives = NATIVES.orElseThrow(() -> new IllegalStateException("engine random state unavailable"));
        try (NDManager cpu = NDManager.newBaseManager(Device.cpu())) {
            // a C++-allocated tensor handle that get_state fills and DJL deletes when the array closes
            Pointer handle = (Pointer) natives.operatorNew().invoke(Pointer.class, new Object[] {TENSOR_BYTES});
            natives.getState().invoke(Pointer.class, new Object[] {handle, natives.generator()});
            return new PtNDArray((PtNDManager) cpu, Pointer.nativeValue(handle)).toByteArray();
        }
    }

    /** Puts the generator back in a state {@link #save} returned (checked first: a mismatch would abort the JVM). */
    public static void restore(byte[] state) {
        Natives natives = NATIVES.orElseThrow(() -> new IllegalStateException("engine random state unavailable"));
        int expected = save().length;
        if (state.length != expected) {
            throw new IllegalArgumentException("the saved random generator state has " + state.length
                    + " bytes, this libtorch's has " + expected);
        }
        try (NDManager cpu = NDManager.newBaseManager(Device.cpu())) {
            ByteBuffer buffer = ByteBuffer.allocateDirect(state.length).put(state);
            buffer.rewind();
            NDArray tensor = cpu.create(buffer, new Shape(state.length), DataType.UINT8);
            natives.setState().invoke(Void.class,
                    new Object[] {natives.generator(), new Pointer(((PtNDArray) tensor).getHandle())});
        }
    }
}
