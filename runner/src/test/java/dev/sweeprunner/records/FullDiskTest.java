package dev.sweeprunner.records;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sweeprunner.report.ReportFixtures;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A full disk while a trial writes: the rows already written stay whole, and the failure is said. Needs root (mount). */
class FullDiskTest {
    @TempDir
    Path dir;
    private Path mounted;

    private Path smallDisk() throws Exception {
        Path disk = Files.createDirectory(dir.resolve("disk"));
        Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", disk.toString())
                .redirectErrorStream(true).start();
        Assumptions.assumeTrue(p.waitFor() == 0, "mounting a tmpfs needs root");
        mounted = disk;
        return disk;
    }

    @AfterEach
    void unmount() throws Exception {
        if (mounted != null) {
            new ProcessBuilder("umount", mounted.toString()).redirectErrorStream(true).start().waitFor();
        }
    }

    @Test
    void aRowThatDoesNotFitIsCutOffAndTheRowsBeforeStay() throws Exception {
        TrialStore store = new TrialStore(smallDisk());
        TrialRecord trial = ReportFixtures.trial("a100000000", "fcn", 50000, 49987, "784-58-61-10", 1,
                TrialStatus.RUNNING);
        store.write(trial);
        int written = 0;
        TrialStore.EpochWriter rows = store.openEpochs(trial);
        UncheckedIOException full;
        try {
            while (true) {
                int epoch = written + 1;
                rows.append(new EpochRecord(trial.trialId(), epoch, 0.5, 0.8, 0.5, 0.8, 0.5, 0.8, 0.001, 1, epoch));
                written++;
            }
        } catch (UncheckedIOException e) {
            full = e;
        } finally {
            rows.close(); // the failed row is not flushed again
        }
        Path file = store.trialDir(trial.trialId()).resolve(TrialStore.EPOCHS_CSV);
        assertTrue(full.getMessage().contains(file + " (No space left on device); its " + written
                + " earlier row(s) are kept"), full.getMessage());
        List<EpochRecord> kept = EpochsCsv.read(file);
        assertEquals(written, kept.size());
        assertTrue(Files.readString(file).endsWith("\n"), "the file ends on a whole row");

        store.write(trial.finished(TrialStatus.FAILED, written, 1, "f", full.getMessage()));
        assertEquals(TrialStatus.FAILED, store.read(trial.trialId()).orElseThrow().status(),
                "the failure is recorded though the disk is full");
    }
}
