package dev.sweeprunner.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sweeprunner.records.EpochConfusion;
import dev.sweeprunner.records.EpochRecord;
import dev.sweeprunner.records.TrialStatus;
import dev.sweeprunner.spec.Families;
import dev.sweeprunner.spec.Family;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knowm.xchart.XYChart;

/** Each chart is a PNG of the documented size with something drawn on it. */
class PlotsTest {
    @TempDir
    Path dir;

    @BeforeAll
    static void headless() {
        System.setProperty("java.awt.headless", "true");
    }

    @Test
    void learningCurvesArePairedCharts() throws IOException {
        Path file = dir.resolve("curves.png");
        Plots.learningCurves(file, ReportFixtures.results().get(0));
        assertDrawn(file, 2 * Plots.WIDTH, Plots.HEIGHT);
    }

    @Test
    void accuracyChartsHaveOneLinePerFamily() throws IOException {
        List<Group> groups = Group.of(ReportFixtures.summaries());
        Path params = dir.resolve("params.png");
        Plots.accuracyVsParams(params, groups);
        assertDrawn(params, Plots.WIDTH, Plots.HEIGHT);
        Path time = dir.resolve("time.png");
        Plots.accuracyVsTime(time, groups);
        assertDrawn(time, Plots.WIDTH, Plots.HEIGHT);
    }

    /** Registered families in registration order with their own colours; a family no longer registered still shows. */
    @Test
    void everyFamilyIsASeriesInItsColour() {
        List<TrialSummary> trials = new ArrayList<>(ReportFixtures.summaries());
        for (String arch : List.of("rnn", "resnet")) {
            String id = arch.charAt(0) + "100000000";
            trials.add(TrialSummary.of(new TrialResult(
                    ReportFixtures.trial(id, arch, 20000, 19500, "1-8-res16-gap-10", 1, TrialStatus.COMPLETED),
                    List.of(new EpochRecord(id, 1, 0.7, 0.75, 0.5, 0.85, 0.5, 0.84, 0.001, 1.0, 1.0)), List.of())));
        }
        XYChart chart = Plots.accuracyVsParamsChart(Group.of(trials));
        assertEquals(List.of("FCN", "CNN", "ResNet", "RNN"), List.copyOf(chart.getSeriesMap().keySet()));
        for (Family family : Families.all()) {
            assertEquals(new Color(family.colour()), chart.getSeriesMap().get(family.title()).getLineColor(), family.name());
        }
    }

    @Test
    void familyCurvesOverlayEveryConfigurationOfOneArchitecture() throws IOException {
        List<Group> groups = Group.of(ReportFixtures.gridSummaries());
        Path file = dir.resolve("family.png");
        Plots.familyCurves(file, "fcn", groups.stream().filter(g -> g.first().setting("arch").equals("fcn")).toList(),
                Comparison.labels(groups));
        assertDrawn(file, 2 * Plots.WIDTH, Plots.HEIGHT);
    }

    @Test
    void membersOfARepeatedConfiguration() throws IOException {
        Path file = dir.resolve("members.png");
        Plots.members(file, Group.of(ReportFixtures.summaries()).get(0));
        assertDrawn(file, 2 * Plots.WIDTH, Plots.HEIGHT);
    }

    @Test
    void confusionHeatmaps() throws IOException {
        TrialResult t = ReportFixtures.results().get(0);
        Path file = dir.resolve("confusion.png");
        Plots.confusion(file, t, t.confusion(EpochConfusion.At.LAST).orElseThrow());
        assertDrawn(file, Plots.WIDTH + 100, Plots.HEIGHT + 200);
        Path diff = dir.resolve("diff.png");
        Plots.confusionDifference(diff, "a minus b", ReportFixtures.diagonal(90).minus(ReportFixtures.diagonal(80)));
        assertDrawn(diff, Plots.WIDTH + 100, Plots.HEIGHT + 200);
    }

    /** Right size; not blank: many colours, and well over 2% of pixels differ from the background. */
    static void assertDrawn(Path file, int width, int height) throws IOException {
        BufferedImage image = ImageIO.read(file.toFile());
        assertEquals(width, image.getWidth(), file.toString());
        assertEquals(height, image.getHeight(), file.toString());
        int background = image.getRGB(0, 0);
        Set<Integer> colours = new HashSet<>();
        long different = 0;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int rgb = image.getRGB(x, y);
                colours.add(rgb);
                if (rgb != background) {
                    different++;
                }
            }
        }
        assertTrue(colours.size() > 20, file + ": only " + colours.size() + " colours");
        assertTrue(different > 0.02 * width * height, file + ": nearly blank");
    }
}
