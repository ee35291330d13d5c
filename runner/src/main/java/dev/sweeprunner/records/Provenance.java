package dev.sweeprunner.records;

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
        int cores) {}
