package dev.sweeprunner.train;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.sun.jna.Function;
import dev.sweeprunner.spec.Precision;
import java.util.Optional;

/**
 * PyTorch's automatic mixed precision around a forward pass: inside a {@link #open scope} the
 * engine runs convolutions and matrix products in bfloat16 on casts of the fp32 weights, which
 * keep receiving fp32 gradients (what {@code with torch.autocast(device, torch.bfloat16):} does).
 *
 * <p>Written by hand because DJL exposes no autocast: this calls libtorch's own
 * {@code at::autocast} functions through JNA by their C++ (Itanium ABI) names, as
 * {@link EngineRandom} does. Autocast is the calling thread's state, so a scope opens and closes on
 * the thread that runs the forward pass. A scope covers the forward pass only, as PyTorch
 * recommends: the loss is taken on fp32 logits and backward runs outside it. Closing a scope
 * clears autocast's cache of cast weights, which the optimizer step is about to make stale.
 */
public final class Autocast {
    /** {@code void at::autocast::set_autocast_enabled(c10::DeviceType, bool)}. */
    private static final String SET_ENABLED = "_ZN2at8autocast20set_autocast_enabledEN3c1010DeviceTypeEb";
    /** {@code void at::autocast::set_autocast_dtype(c10::DeviceType, c10::ScalarType)}. */
    private static final String SET_DTYPE = "_ZN2at8autocast18set_autocast_dtypeEN3c1010DeviceTypeENS1_10ScalarTypeE";
    /** {@code int at::autocast::increment_nesting()}. */
    private static final String INCREMENT_NESTING = "_ZN2at8autocast17increment_nestingEv";
    /** {@code int at::autocast::decrement_nesting()}. */
    private static final String DECREMENT_NESTING = "_ZN2at8autocast17decrement_nestingEv";
    /** {@code bool at::autocast::is_autocast_enabled(c10::DeviceType)}. */
    private static final String IS_ENABLED = "_ZN2at8autocast19is_autocast_enabledEN3c1010DeviceTypeE";
    /** {@code void at::autocast::clear_cache()}. */
    private static final String CLEAR_CACHE = "_ZN2at8autocast11clear_cacheEv";
    /** {@code c10::DeviceType}, an int8 enum: kCPU and kCUDA. */
    private static final byte CPU = 0;
    private static final byte CUDA = 1;
    /** {@code c10::ScalarType::BFloat16}, an int8 enum. */
    private static final byte BFLOAT16 = 15;
    private static final byte TRUE = 1;
    private static final byte FALSE = 0;

    /** For fp32: a scope that does nothing. */
    private static final Autocast OFF = new Autocast(null, CPU);

    private final Natives natives;
    private final byte deviceType;

    private Autocast(Natives natives, byte deviceType) {
        this.natives = natives;
        this.deviceType = deviceType;
    }

    /** Looked up on first use of bf16, so that fp32 trials never touch the library this way. */
    private static final class Found {
        static final Optional<Natives> NATIVES = Natives.find();
    }

    /** The functions, found once per JVM (a constant, not state: the library does not change). */
    private record Natives(Function setEnabled, Function isEnabled, Function setDtype, Function incrementNesting,
            Function decrementNesting, Function clearCache) {
        /** A C++ bool comes back in the low byte of the return register: read as a byte, not an int. */
        boolean enabled(byte deviceType) {
            return (Byte) isEnabled.invoke(Byte.class, new Object[] {deviceType}) != 0;
        }

        static Optional<Natives> find() {
            try {
                return LibtorchCpu.find().map(lib -> new Natives(lib.getFunction(SET_ENABLED),
                        lib.getFunction(IS_ENABLED), lib.getFunction(SET_DTYPE), lib.getFunction(INCREMENT_NESTING),
                        lib.getFunction(DECREMENT_NESTING), lib.getFunction(CLEAR_CACHE)));
            } catch (RuntimeException | UnsatisfiedLinkError e) {
                return Optional.empty();
            }
        }
    }

    private static Natives natives() {
        return Found.NATIVES.orElseThrow(() -> new IllegalStateException(
                "precision bf16 needs libtorch's autocast functions, which were not found in " + LibtorchCpu.LIBRARY));
    }

    /**
     * Mixed precision for {@code precision} on {@code device}; fp32 needs nothing. Throws when
     * bf16 is asked of a libtorch whose autocast functions were not found: training in fp32
     * instead would record numbers the trial's config does not describe.
     */
    public static Autocast of(Precision precision, Device device) {
        if (precision == Precision.FP32) {
            return OFF;
        }
        return new Autocast(natives(), device.isGpu() ? CUDA : CPU);
    }

    /**
     * The forward pass's output as the loss wants it: fp32, by a cast that autograd follows back.
     * DJL's {@code toType} casts without recording history (its JNI call holds a no-grad guard),
     * so the cast is an addition of an fp32 zero vector: PyTorch promotes bfloat16 + float32 to
     * float32, exactly (every bfloat16 is a float32), and the gradient flows back through it. A
     * zero-dimensional zero would not do: it does not take part in type promotion.
     */
    public NDArray fp32(NDArray output) {
        return natives == null ? output : toFp32(output);
    }

    /** {@link #fp32}'s cast, also for blocks that run in fp32 inside a bf16 network ({@link ModelFactory}). */
    static NDArray toFp32(NDArray array) {
        if (array.getDataType() == DataType.FLOAT32) {
            return array;
        }
        return array.add(array.getManager().zeros(new Shape(1), DataType.FLOAT32));
    }

    /** A scope on this thread; close it on the same thread, before backward. */
    public Scope open() {
        if (natives == null) {
            return NO_SCOPE;
        }
        natives.setDtype().invoke(Void.class, new Object[] {deviceType, BFLOAT16});
        natives.setEnabled().invoke(Void.class, new Object[] {deviceType, TRUE});
        natives.incrementNesting().invoke(Integer.class, new Object[0]);
        return () -> {
            natives.setEnabled().invoke(Void.class, new Object[] {deviceType, FALSE});
            int depth = (Integer) natives.decrementNesting().invoke(Integer.class, new Object[0]);
            if (depth == 0) {
                natives.clearCache().invoke(Void.class, new Object[0]);
            }
        };
    }

    /**
     * Autocast off on this thread until the scope closes (for a block that must run in fp32 inside
     * a bf16 forward pass), on whichever device types had it on.
     */
    static Scope paused() {
        Natives natives = natives();
        boolean cpu = natives.enabled(CPU);
        boolean cuda = natives.enabled(CUDA);
        natives.setEnabled().invoke(Void.class, new Object[] {CPU, FALSE});
        natives.setEnabled().invoke(Void.class, new Object[] {CUDA, FALSE});
        return () -> {
            natives.setEnabled().invoke(Void.class, new Object[] {CPU, cpu ? TRUE : FALSE});
            natives.setEnabled().invoke(Void.class, new Object[] {CUDA, cuda ? TRUE : FALSE});
        };
    }

    /** An open autocast scope; closing it cannot fail. */
    @FunctionalInterface
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }

    private static final Scope NO_SCOPE = () -> { };
}
