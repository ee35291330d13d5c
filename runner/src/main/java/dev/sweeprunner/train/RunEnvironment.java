package dev.sweeprunner.train;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import dev.sweeprunner.records.Provenance;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/** Versions, machine and code identity for provenance and {@code runner info}. */
public final class RunEnvironment {
    /** Set by the Makefile and tests; on its own the runner stays offline too. */
    public static final String OFFLINE_PROPERTY = "ai.djl.offline";
    private static final long GIT_TIMEOUT_SECONDS = 5;
    private static final String UNKNOWN = "unknown";
    /**
     * The commit an image was built from and whether its tree had uncommitted changes ("true" /
     * "false"): set by `make docker-build`, because the image has neither git nor .git. They win
     * over the working directory's git, which need not be the code that runs.
     */
    public static final String COMMIT_VARIABLE = "SWEEPRUNNER_GIT_COMMIT";
    public static final String DIRTY_VARIABLE = "SWEEPRUNNER_GIT_DIRTY";

    private RunEnvironment() {}

    /** Makes any accidental native or model download fail at once, and skips DJL's telemetry. */
    public static void forceOffline() {
        if (System.getProperty(OFFLINE_PROPERTY) == null) {
            System.setProperty(OFFLINE_PROPERTY, "true");
        }
    }

    public static Properties versions() {
        Properties properties = new Properties();
        try (InputStream in = RunEnvironment.class.getResourceAsStream("/runner-versions.properties")) {
            if (in != null) {
                properties.load(in);
            }
        } catch (IOException e) {
            // versions stay unknown; nothing else depends on them
        }
        return properties;
    }

    public static Provenance capture(Engine engine, Device device) {
        Properties versions = versions();
        CodeIdentity code = codeIdentity(System.getenv());
        return new Provenance(
                versions.getProperty("runner.version", UNKNOWN),
                code.commit(),
                code.dirty(),
                Engine.getDjlVersion(),
                engine.getVersion(),
                engine.getEngineName(),
                deviceName(device),
                JniUtils.getNumThreads(),
                System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"),
                System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"),
                hostName(),
                cpuModel(),
                Runtime.getRuntime().availableProcessors(),
                device.isGpu() ? GpuProbe.describe(device, System.getenv()) : null);
    }

    /** "cpu" or "gpu:0", the form the CSV device column uses. */
    public static String deviceName(Device device) {
        return device.isGpu() ? device.getDeviceType() + ":" + device.getDeviceId() : device.getDeviceType();
    }

    static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return System.getenv().getOrDefault("HOSTNAME", UNKNOWN);
        }
    }

    static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                    .filter(line -> line.startsWith("model name"))
                    .map(line -> line.substring(line.indexOf(':') + 1).trim())
                    .findFirst().orElse(UNKNOWN);
        } catch (IOException e) {
            return UNKNOWN;
        }
    }

    /**
     * How this CPU runs {@code precision: bf16}: the instructions that make bfloat16 fast, if it
     * has them (a CPU without them emulates bfloat16 and gains nothing).
     */
    public static String cpuBf16() {
        try {
            Set<String> flags = Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                    .filter(line -> line.startsWith("flags")).findFirst()
                    .map(line -> Set.of(line.substring(line.indexOf(':') + 1).trim().split("\\s+")))
                    .orElse(Set.of());
            if (flags.contains("amx_bf16")) {
                return "native (AMX)";
            }
            return flags.contains("avx512_bf16") ? "native (AVX512-BF16)" : "emulated (no AVX512-BF16 or AMX): bf16 is "
                    + "not faster here";
        } catch (IOException e) {
            return UNKNOWN;
        }
    }

    /** The git commit the running code was built from, and whether its tree was modified. */
    record CodeIdentity(String commit, boolean dirty) {}

    /** The image's build record when the environment has one, else the working directory's git. */
    static CodeIdentity codeIdentity(Map<String, String> env) {
        String recorded = env.get(COMMIT_VARIABLE);
        if (recorded != null && !recorded.isBlank()) {
            return new CodeIdentity(recorded.trim(), Boolean.parseBoolean(env.get(DIRTY_VARIABLE)));
        }
        String commit = git("rev-parse", "HEAD");
        return new CodeIdentity(commit,
                !UNKNOWN.equals(commit) && !git("status", "--porcelain", "--untracked-files=no").isEmpty());
    }

    /** A git answer for the working directory, or "unknown" outside a repository or without git. */
    static String git(String... args) {
        List<String> command = new java.util.ArrayList<>(List.of("git"));
        command.addAll(List.of(args));
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(false)
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!process.waitFor(GIT_TIMEOUT_SECONDS, TimeUnit.SECONDS) || process.exitValue() != 0) {
                return UNKNOWN;
            }
            return out;
        } catch (IOException e) {
            return UNKNOWN;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return UNKNOWN;
        }
    }
}
