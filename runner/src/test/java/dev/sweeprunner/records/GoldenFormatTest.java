package dev.sweeprunner.records;

import dev.sweeprunner.Golden;
import java.io.IOException;
import java.io.StringWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.csv.CSVPrinter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Seals the machine-readable formats: a change to a header or number format must update a golden file. */
@ExtendWith(Golden.CommaDecimalLocale.class)
class GoldenFormatTest {
    static TrialRecord trial() {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("arch", "cnn");
        config.put("budget", 10000);
        config.put("conv_blocks", 3);
        config.put("optimizer", "adam");
        config.put("lr", 0.001);
        config.put("weight_decay", 0.0);
        config.put("init", "kaiming_uniform");
        config.put("dropout", 0.2);
        config.put("batch_norm", true);
        config.put("batch_size", 64);
        config.put("epochs", 20);
        config.put("seed", 1);
        Provenance provenance = new Provenance("0.1.0", "abc", false, "0.35.1", "2.7.1", "PyTorch", "cpu", 2, "jvm",
                "os", "host", "cpu", 2);
        return new TrialRecord("0123456789", "0123456789ab", "t", 0, config, 9982, List.of(11, 22, 36),
                "1-11-22-36-gap-10", TrialStatus.COMPLETED, 1, 3.25, "s", "f", null, provenance, null);
    }

    @Test
    void epochsCsv() throws IOException {
        StringWriter out = new StringWriter();
        CSVPrinter printer = new CSVPrinter(out, EpochsCsv.FORMAT);
        EpochsCsv.printHeader(printer);
        EpochsCsv.printRow(printer, new EpochRecord("0123456789", 1, 0.5, 0.8125, 0.4, 0.85, Double.NaN, 0.8799,
                0.001, 3.25, 3.25), trial());
        EpochsCsv.printRow(printer, new EpochRecord("0123456789", 2, 0.25, 0.875, 0.3, 0.9, 0.3, 0.9,
                0.001, 1.5, 4.75, 1234.4), trial());
        printer.flush();
        Golden.assertMatches("epochs.csv", out.toString());
    }

    /** trial.json of a CPU trial (no gpu object) and of a GPU trial, as the store writes them. */
    @Test
    void trialJson(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws IOException {
        TrialStore store = new TrialStore(dir);
        TrialRecord cpu = trial();
        store.write(cpu);
        String cpuJson = java.nio.file.Files.readString(store.trialDir(cpu.trialId()).resolve(TrialStore.TRIAL_JSON));
        Golden.assertMatches("trial.json", cpuJson);
        Provenance p = cpu.provenance();
        TrialRecord gpu = new TrialRecord("9876543210", cpu.configHash(), cpu.experiment(), 1, cpu.config(),
                cpu.params(), cpu.widths(), cpu.network(), cpu.status(), cpu.epochsCompleted(), cpu.trainingTimeS(),
                cpu.startedAt(), cpu.finishedAt(), null, new Provenance(p.runnerVersion(), p.gitCommit(),
                        p.gitDirty(), p.djlVersion(), p.pytorchVersion(), p.engine(), "gpu:0", p.intraOpThreads(),
                        p.jvm(), p.os(), p.host(), p.cpu(), p.cores(), new GpuInfo("NVIDIA H100 80GB HBM3", "3",
                                "570.124.06", "12.8", "9.0", "cublas fp32, cudnn tf32", false)), null);
        store.write(gpu);
        Golden.assertMatches("trial-gpu.json",
                java.nio.file.Files.readString(store.trialDir(gpu.trialId()).resolve(TrialStore.TRIAL_JSON)));
        org.junit.jupiter.api.Assertions.assertEquals(gpu, store.read(gpu.trialId()).orElseThrow(),
                "trial.json reads back as written");
    }
}
