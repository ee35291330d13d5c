package dev.sweeprunner.cli;

import ai.djl.engine.Engine;
import ai.djl.util.cuda.CudaUtils;
import dev.sweeprunner.records.Provenance;
import dev.sweeprunner.train.DeviceChoice;
import dev.sweeprunner.train.GpuProbe;
import dev.sweeprunner.train.RunEnvironment;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "info", description = "Show DJL/PyTorch versions, GPUs, threads and the device a sweep would use.")
final class InfoCommand implements Callable<Integer> {
    @Option(names = "--device", description = "auto | cpu | gpu (default: ${DEFAULT-VALUE})", defaultValue = "auto",
            converter = SweepCommand.DeviceConverter.class)
    DeviceChoice device;

    @Override
    public Integer call() {
        Engine engine = Engine.getInstance();
        Provenance p = RunEnvironment.capture(engine, device.resolve(engine));
        System.out.println("runner:        " + p.runnerVersion() + " (git " + p.gitCommit() + (p.gitDirty() ? ", modified" : "") + ")");
        System.out.println("DJL:           " + p.djlVersion());
        System.out.println("engine:        " + p.engine() + " " + p.pytorchVersion());
        System.out.println("GPUs:          " + engine.getGpuCount()
                + (CudaUtils.hasCuda() ? " (CUDA " + GpuProbe.cudaVersion(CudaUtils.getCudaVersion()) + ")" : " (no usable CUDA runtime and driver)"));
        System.out.println("threads:       " + p.intraOpThreads() + " intra-op, " + p.cores() + " cores");
        System.out.println("device:        " + p.device() + (p.gpu() == null ? "" : " = " + p.gpu().name() + " (physical "
                + p.gpu().visibleDevice() + ", driver " + p.gpu().driver() + ", compute " + p.gpu().computeCapability()
                + ", " + p.gpu().tf32() + ", cudnn benchmark " + (p.gpu().cudnnBenchmark() ? "on" : "off") + ")"));
        System.out.println("JVM:           " + p.jvm());
        System.out.println("OS / CPU:      " + p.os() + " / " + p.cpu());
        System.out.println("CPU bf16:      " + RunEnvironment.cpuBf16());
        System.out.println("offline mode:  " + System.getProperty(RunEnvironment.OFFLINE_PROPERTY));
        return 0;
    }
}
