package dev.sweeprunner.report;

import dev.sweeprunner.spec.DatasetShape;
import dev.sweeprunner.records.ConfusionMatrix;
import dev.sweeprunner.records.EpochConfusion;
import dev.sweeprunner.records.EpochRecord;
import dev.sweeprunner.records.Provenance;
import dev.sweeprunner.records.TrialRecord;
import dev.sweeprunner.records.TrialStatus;
import dev.sweeprunner.records.TrialStore;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Hand-made trial records: a 10k CNN run with seeds 1, 2, 3 (test accuracy 0.80, 0.82, 0.87 at
 * the last of 2 epochs) and a 50k FCN run once. Every number is chosen so means and stds can be
 * checked by hand.
 */
public final class ReportFixtures {
    public static final double[] CNN_TEST_ACC = {0.80, 0.82, 0.87};

    private ReportFixtures() {}

    public static TrialRecord trial(String id, String arch, int budget, long params, String network, int seed,
            TrialStatus status) {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("arch", arch);
        config.put("budget", budget);
        config.put("optimizer", "adam");
        config.put("lr", 0.001);
        config.put("init", "kaiming_uniform");
        config.put("dropout", 0.2);
        config.put("batch_size", 64);
        config.put("epochs", 2);
        config.put("seed", seed);
        Provenance provenance = new Provenance("0.1.0", "abc", false, "0.35.1", "2.7.1", "PyTorch", "cpu", 2, "jvm",
                "os", "host", "cpu", 2);
        return new TrialRecord(id, id + "00", "fixture", seed, config, params, List.of(8), network, status, 2, 7.5,
                "s", "f", null, provenance, null);
    }

    /** A matrix with {@code correct} of 100 images per class right and the rest predicted as the next class. */
    public static ConfusionMatrix diagonal(int correct) {
        long[] counts = new long[100];
        for (int c = 0; c < 10; c++) {
            counts[c * 10 + c] = correct;
            counts[c * 10 + (c + 1) % 10] = 100 - correct;
        }
        return new ConfusionMatrix(10, counts);
    }

    public static List<TrialResult> results() {
        List<TrialResult> results = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            double acc = CNN_TEST_ACC[i];
            String id = "c" + (i + 1) + "00000000";
            results.add(new TrialResult(trial(id, "cnn", 10000, 9980, "1-22-46-gap-10", i + 1, TrialStatus.COMPLETED),
                    List.of(new EpochRecord(id, 1, 0.9, 0.7, 0.6, 0.79, 0.6, acc - 0.05, 0.001, 3.0, 3.0),
                            new EpochRecord(id, 2, 0.5, 0.8, 0.5, 0.81 + i * 0.01, 0.5, acc, 0.001, 3.5, 6.5 + i)),
                    List.of(new EpochConfusion(EpochConfusion.At.BEST, 2, diagonal((int) Math.round(acc * 100))),
                            new EpochConfusion(EpochConfusion.At.LAST, 2, diagonal((int) Math.round(acc * 100))))));
        }
        String id = "f100000000";
        results.add(new TrialResult(trial(id, "fcn", 50000, 49987, "784-58-61-10", 1, TrialStatus.COMPLETED),
                List.of(new EpochRecord(id, 1, 0.7, 0.75, 0.5, 0.85, 0.5, 0.84, 0.001, 1.0, 1.0),
                        new EpochRecord(id, 2, 0.4, 0.86, 0.4, 0.84, 0.45, 0.885, 0.001, 1.0, 2.0)),
                List.of(new EpochConfusion(EpochConfusion.At.BEST, 1, diagonal(84)),
                        new EpochConfusion(EpochConfusion.At.LAST, 2, diagonal(88)))));
        String failed = "f200000000";
        results.add(new TrialResult(trial(failed, "fcn", 100000, 99987, "784-110-109-10", 1, TrialStatus.FAILED),
                List.of(), List.of()));
        return results;
    }

    public static List<TrialSummary> summaries() {
        return results().stream().map(TrialSummary::of).toList();
    }

    /** Writes the fixtures as a results directory, as a sweep would have. */
    public static void writeTo(TrialStore store) {
        write(store, results());
    }

    /** Writes trial results as a results directory, as a sweep would have. */
    public static void write(TrialStore store, List<TrialResult> results) {
        for (TrialResult r : results) {
            store.write(r.trial());
            try (TrialStore.EpochWriter writer = store.openEpochs(r.trial())) {
                r.epochs().forEach(writer::append);
            }
            if (!r.confusions().isEmpty()) {
                store.writeConfusion(r.id(), DatasetShape.CLASS_NAMES, r.confusions());
            }
        }
    }

    /**
     * A grid of budgets by architecture with seeds 1-3 (test accuracy at the last of 2 epochs as
     * listed), one FCN run once, and one failed trial: for comparisons and neighbours. Ids start
     * with "t" so no trial id is a prefix of a (hexadecimal) configuration id.
     */
    public static final Object[][] GRID = {
        {"fcn", 50000, 49987L, "784-58-61-10", new double[] {0.870, 0.875, 0.872}},
        {"fcn", 100000, 99987L, "784-110-109-10", new double[] {0.880, 0.889, 0.884}},
        {"fcn", 200000, 199900L, "784-199-204-10", new double[] {0.886}},
        {"cnn", 50000, 49900L, "1-24-48-88-gap-10", new double[] {0.900, 0.905, 0.903}},
        {"cnn", 100000, 99900L, "1-33-66-131-gap-10", new double[] {0.910, 0.906, 0.912}},
    };

    public static List<TrialResult> grid() {
        List<TrialResult> results = new ArrayList<>();
        for (int row = 0; row < GRID.length; row++) {
            double[] accuracies = (double[]) GRID[row][4];
            for (int seed = 1; seed <= accuracies.length; seed++) {
                String id = "t" + row + seed + "0000000";
                double acc = accuracies[seed - 1];
                results.add(new TrialResult(trial(id, (String) GRID[row][0], (int) GRID[row][1], (long) GRID[row][2],
                        (String) GRID[row][3], seed, TrialStatus.COMPLETED),
                        List.of(new EpochRecord(id, 1, 0.6, 0.8, 0.5, acc - 0.02, 0.5, acc - 0.03, 0.001, 2.0, 2.0),
                                new EpochRecord(id, 2, 0.4, 0.85, 0.4, acc - 0.01, 0.4, acc, 0.001, 2.0, 4.0)),
                        List.of()));
            }
        }
        results.add(new TrialResult(trial("t990000000", "cnn", 200000, 199000, "1-47-94-185-gap-10", 1,
                TrialStatus.FAILED), List.of(), List.of()));
        return results;
    }

    public static List<TrialSummary> gridSummaries() {
        return grid().stream().map(TrialSummary::of).toList();
    }

    /** Writes {@link #grid()} as a results directory. */
    public static void writeGridTo(TrialStore store) {
        write(store, grid());
    }
}
