package dev.sweeprunner.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sweeprunner.TestData;
import dev.sweeprunner.cli.ReportingSweepListener;
import dev.sweeprunner.data.FashionMnist;
import dev.sweeprunner.plan.PlanOverrides;
import dev.sweeprunner.plan.Planner;
import dev.sweeprunner.records.TrialRecord;
import dev.sweeprunner.records.TrialStatus;
import dev.sweeprunner.records.TrialStore;
import dev.sweeprunner.report.Report;
import dev.sweeprunner.spec.SpecParser;
import dev.sweeprunner.spec.YamlReader;
import dev.sweeprunner.train.DeviceChoice;
import dev.sweeprunner.train.InProcessRunner;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every registered family trains in the same loop and shows in every report file: a one-epoch
 * sweep of an FCN, a CNN and a ResNet on tiny synthetic data, then the sweep's report.
 */
class FamiliesSweepTest {
    static final String EXPERIMENT = """
            name: tiny
            defaults: {epochs: 1, batch_size: 32, seed: 3, budget: 20000}
            grid:
              - {arch: fcn}
              - {arch: cnn, conv_blocks: 2}
              - {arch: resnet, conv_blocks: 2}
            """;
    static final FashionMnist DATA = TestData.synthetic(200, 50, 7);

    @TempDir
    Path dir;

    @Test
    void fcnCnnAndResnetTrainAndAppearInTheReport() throws IOException {
        Path results = dir.resolve("tiny");
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(log, true, StandardCharsets.UTF_8);
        Sweep.Outcome outcome = new Sweep(out, (p, store, progress, slots) -> new InProcessRunner(p.spec().name(),
                p.trials().size(), store, out, DeviceChoice.CPU, () -> DATA, List.of()), new ReportingSweepListener(out))
                .run(Planner.plan(SpecParser.parse(Path.of("tiny.yaml"), YamlReader.parse("tiny.yaml", EXPERIMENT)),
                        PlanOverrides.NONE), Sweep.Options.builder(results).workers(0).build());
        assertEquals(new Sweep.Outcome(3, 0, 0, 0, 0, 0), outcome, log.toString(StandardCharsets.UTF_8));

        // completed: the loop found DJL's parameter count equal to the plan's for each network
        Map<String, TrialStatus> byFamily = new TrialStore(results).readAll().stream()
                .collect(Collectors.toMap(t -> t.setting("arch"), TrialRecord::status));
        assertEquals(Map.of("fcn", TrialStatus.COMPLETED, "cnn", TrialStatus.COMPLETED, "resnet", TrialStatus.COMPLETED),
                byFamily);

        String comparison = Files.readString(results.resolve(Report.COMPARISON_MD));
        assertTrue(comparison.startsWith("# tiny: FCN vs CNN vs ResNet\n"), comparison);
        for (String family : List.of("FCN", "CNN", "ResNet")) {
            assertTrue(comparison.contains("\n## " + family + "\n"), family + " table in\n" + comparison);
            assertTrue(comparison.contains("\n| " + family + " | "), family + " row in\n" + comparison);
        }
        String report = Files.readString(results.resolve(Report.REPORT_MD));
        for (String family : List.of("FCN", "CNN", "ResNet")) {
            assertTrue(report.contains("\n| " + family + " | "), family + " in the overview of\n" + report);
            assertTrue(report.contains("\n### " + family + " "), family + " trial section in\n" + report);
        }
        try (var plots = Files.list(results.resolve(Report.PLOTS_DIR))) {
            assertTrue(plots.anyMatch(p -> p.getFileName().toString().startsWith("accuracy-vs-params")),
                    "the accuracy-vs-parameters chart, one series per family");
        }
    }
}
