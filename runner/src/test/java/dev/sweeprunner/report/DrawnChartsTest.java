package dev.sweeprunner.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sweeprunner.records.EpochRecord;
import dev.sweeprunner.records.TrialRecord;
import dev.sweeprunner.records.TrialStore;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A report written again with the same {@link DrawnCharts} draws only the charts whose data
 * changed. A chart counts as drawn again when its file was replaced (a new file: every chart is
 * written to a temporary file and moved into place).
 */
class DrawnChartsTest {
    /** The fixture's CNN trial whose epochs change, and the fixture's one FCN trial that ran. */
    private static final String CHANGED = "c100000000";
    private static final String UNCHANGED = "f100000000";

    @TempDir
    Path dir;
    private TrialStore store;
    private final PrintStream warnings = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);

    @BeforeAll
    static void headless() {
        System.setProperty("java.awt.headless", "true");
    }

    @BeforeEach
    void fixtures() {
        store = new TrialStore(dir);
        ReportFixtures.writeTo(store);
    }

    @Test
    void unchangedDataDrawsNothingAgain() throws IOException {
        DrawnCharts drawn = new DrawnCharts();
        Report.write(store, "fixture", "", warnings, drawn);
        Map<String, Object> first = chartFiles();
        Report.write(store, "fixture", "", warnings, drawn);
        assertEquals(Set.of(), replaced(first));
    }

    @Test
    void aTrialWithANewEpochRedrawsItsChartsAndTheWholeSweepCharts() throws IOException {
        DrawnCharts drawn = new DrawnCharts();
        Report.write(store, "fixture", "", warnings, drawn);
        Map<String, Object> first = chartFiles();
        addEpoch(CHANGED);
        Report.write(store, "fixture", "", warnings, drawn);
        Set<String> replaced = replaced(first);
        assertTrue(replaced.stream().anyMatch(name -> name.startsWith("curves-" + CHANGED)), replaced.toString());
        assertTrue(replaced.stream().anyMatch(name -> name.startsWith("confusion-" + CHANGED)), replaced.toString());
        assertTrue(replaced.containsAll(Set.of(ReportMarkdown.ACCURACY_VS_PARAMS, ReportMarkdown.ACCURACY_VS_TIME)),
                replaced.toString());
        assertTrue(replaced.stream().noneMatch(name -> name.contains(UNCHANGED)), replaced.toString());
    }

    @Test
    void aChartFileRemovedOrReplacedSinceIsDrawnAgain() throws IOException {
        DrawnCharts drawn = new DrawnCharts();
        Report.write(store, "fixture", "", warnings, drawn);
        Path removed = plots().resolve(ReportMarkdown.ACCURACY_VS_PARAMS);
        Path overwritten = plots().resolve(ReportMarkdown.ACCURACY_VS_TIME);
        Files.delete(removed);
        Files.write(overwritten, new byte[] {1, 2, 3}); // e.g. another sweep's report on the same directory
        Map<String, Object> before = chartFiles();
        Report.write(store, "fixture", "", warnings, drawn);
        assertTrue(Files.size(removed) > 3 && Files.size(overwritten) > 3, "both drawn again");
        assertEquals(Set.of(ReportMarkdown.ACCURACY_VS_TIME), replaced(before));
    }

    @Test
    void withoutAMemoEveryChartIsDrawn() throws IOException {
        Report.write(store, "fixture", "", warnings);
        Map<String, Object> first = chartFiles();
        Report.write(store, "fixture", "", warnings);
        assertEquals(first.keySet(), replaced(first));
    }

    private void addEpoch(String trialId) {
        TrialRecord trial = store.read(trialId).orElseThrow();
        List<EpochRecord> rows = store.readEpochs(trialId);
        EpochRecord last = rows.get(rows.size() - 1);
        try (TrialStore.EpochWriter writer = store.openEpochs(trial)) { // rewrites the file
            rows.forEach(writer::append);
            writer.append(new EpochRecord(trialId, last.epoch() + 1, 0.4, 0.85, 0.45, 0.86, 0.45, 0.86, 0.001, 3.5,
                    last.elapsedS() + 3.5));
        }
    }

    private Path plots() {
        return dir.resolve(Report.PLOTS_DIR);
    }

    /** Each chart's file identity (device and inode on Linux): a replaced file has a new one. */
    private Map<String, Object> chartFiles() throws IOException {
        try (Stream<Path> files = Files.list(plots())) {
            Map<String, Object> keys = new TreeMap<>();
            for (Path file : files.filter(f -> f.toString().endsWith(".png")).toList()) {
                keys.put(file.getFileName().toString(), Files.readAttributes(file, BasicFileAttributes.class).fileKey());
            }
            assertTrue(keys.size() > 4, "the fixtures draw curves, heatmaps, members and accuracy charts: " + keys);
            return keys;
        }
    }

    private Set<String> replaced(Map<String, Object> before) throws IOException {
        Map<String, Object> after = chartFiles();
        return before.keySet().stream().filter(name -> !before.get(name).equals(after.get(name)))
                .collect(Collectors.toCollection(TreeSet::new));
    }
}
