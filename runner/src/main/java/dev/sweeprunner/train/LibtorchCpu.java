package dev.sweeprunner.train;

import ai.djl.pytorch.jni.LibUtils;
import com.sun.jna.NativeLibrary;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * libtorch's CPU library, the one DJL loaded, for the few functions DJL does not expose
 * ({@link EngineRandom}, {@link Autocast}), called through JNA by their C++ names.
 */
final class LibtorchCpu {
    static final String LIBRARY = "libtorch_cpu.so";

    private LibtorchCpu() {}

    /** The library, or empty where DJL's libtorch has none by that name (another platform or build). */
    static Optional<NativeLibrary> find() {
        try {
            Path file = Path.of(LibUtils.getLibtorchPath(), LIBRARY);
            return Files.isRegularFile(file) ? Optional.of(NativeLibrary.getInstance(file.toString()))
                    : Optional.empty();
        } catch (RuntimeException | UnsatisfiedLinkError e) {
            return Optional.empty();
        }
    }
}
