package dev.sweeprunner.records;

import com.fasterxml.jackson.annotation.JsonInclude;

/** Where and with what a trial ran, so any number can be traced back. */
public record Provenance(
        String runnerVersion,
        String gitCommit,
        boolean gitDirty,
        String djlVersion,
        String pytorchVersion,
        String engine,
        String device,
        int intraOpThreads,
        String jvm,
        String os,
        String host,
        String cpu,
        int cores,
        @JsonInclude(JsonInclude.Include.NON_NULL) GpuInfo gpu) {

    /** A record without a GPU (CPU trials, and records written before GPUs were recorded). */
    public Provenance(String runnerVersion, String gitCommit, boolean gitDirty, String djlVersion,
            String pytorchVersion, String engine, String device, int intraOpThreads, String jvm, String os,
            String host, String cpu, int cores) {
        this(runnerVersion, gitCommit, gitDirty, djlVersion, pytorchVersion, engine, device, intraOpThreads, jvm,
                os, host, cpu, cores, null);
    }
}
