package dev.sweeprunner.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sweeprunner.records.EpochRecord;
import dev.sweeprunner.records.TrialStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** A run against a reference: matching by configuration over seeds, and what "inside" means. */
class AgainstReferenceTest {
    /** A 10k CNN (budget 10000) or a 50k FCN, one seed, test accuracy {@code acc} at its only epoch. */
    private static TrialSummary trial(String arch, int seed, double acc) {
        int budget = arch.equals("cnn") ? 10000 : 50000;
        String id = arch.charAt(0) + Integer.toString(budget) + "s" + seed;
        return TrialSummary.of(new TrialResult(
                ReportFixtures.trial(id, arch, budget, budget - 13, arch + "-net", seed, TrialStatus.COMPLETED),
                List.of(new EpochRecord(id, 1, 0.5, 0.8, 0.5, 0.8, 0.5, acc, 0.001, 1.0, 1.0)), List.of()));
    }

    /** Trials given as "arch seed accuracy", e.g. "cnn 1 0.85". */
    private static List<Group> groups(String... trials) {
        List<TrialSummary> summaries = new ArrayList<>();
        for (String t : trials) {
            String[] f = t.split(" ");
            summaries.add(trial(f[0], Integer.parseInt(f[1]), Double.parseDouble(f[2])));
        }
        return Group.of(summaries);
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("same seed, one reference seed: no spread known", groups("cnn 1 0.85"),
                        groups("cnn 1 0.84"), List.of("CNN|1|0.850000|1|0.840000|0.840000|0.840000|0.010000|no_spread")),
                Arguments.of("different seeds, inside the reference's min-max", groups("cnn 4 0.83"),
                        groups("cnn 1 0.80", "cnn 2 0.82", "cnn 3 0.87"),
                        List.of("CNN|4|0.830000|1 2 3|0.830000|0.800000|0.870000|0.000000|inside")),
                Arguments.of("several seeds here: their mean is compared", groups("cnn 1 0.88", "cnn 2 0.90"),
                        groups("cnn 1 0.80", "cnn 2 0.82", "cnn 3 0.87"),
                        List.of("CNN|1 2|0.890000|1 2 3|0.830000|0.800000|0.870000|0.060000|outside")),
                Arguments.of("a bound counts as inside", groups("cnn 5 0.87"), groups("cnn 1 0.80", "cnn 3 0.87"),
                        List.of("CNN|5|0.870000|1 3|0.835000|0.800000|0.870000|0.035000|inside")),
                Arguments.of("missing in the reference, then missing here", groups("cnn 1 0.85"),
                        groups("fcn 1 0.88"),
                        List.of("CNN|1|0.850000||||||only_here", "FCN|||1|0.880000|0.880000|0.880000||only_reference")),
                Arguments.of("rows in this run's order, the reference's extras last",
                        groups("fcn 1 0.88", "cnn 1 0.85"), groups("cnn 1 0.86", "cnn 2 0.84", "fcn 1 0.88"),
                        List.of("FCN|1|0.880000|1|0.880000|0.880000|0.880000|0.000000|no_spread",
                                "CNN|1|0.850000|1 2|0.850000|0.840000|0.860000|0.000000|inside")));
    }

    /** Each expected row: model|seeds|test_acc|reference_seeds|mean|min|max|difference|verdict. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesConfigurationsAndJudgesTheDifference(String name, List<Group> here, List<Group> reference,
            List<String> expected) {
        Table table = AgainstReference.table(AgainstReference.rows(here, reference), false);
        List<String> header = table.header();
        List<String> actual = table.rows().stream().map(row -> String.join("|", Stream.of("model", "seeds",
                "test_acc", "reference_seeds", "reference_test_acc", "reference_min", "reference_max", "difference",
                "verdict").map(c -> row.get(header.indexOf(c))).toList())).toList();
        assertEquals(expected, actual);
    }

    /** The fixtures' CNN seed 2 and FCN against all of them: one matched row with a spread, one without. */
    @Test
    @org.junit.jupiter.api.extension.ExtendWith(dev.sweeprunner.Golden.CommaDecimalLocale.class)
    void csvFormatIsSealed(@TempDir Path dir) throws Exception {
        List<TrialSummary> all = ReportFixtures.summaries();
        AgainstReference.write(dir, Path.of("ref"),
                AgainstReference.rows(Group.of(List.of(all.get(1), all.get(3))), Group.of(all)));
        dev.sweeprunner.Golden.assertMatches(AgainstReference.CSV, Files.readString(dir.resolve(AgainstReference.CSV)));
    }

    @Test
    void writesMarkdownInPercentAndCsvInFractions(@TempDir Path dir) throws Exception {
        AgainstReference.write(dir, Path.of("results/reference/x"),
                AgainstReference.rows(groups("cnn 4 0.83"), groups("cnn 1 0.80", "cnn 2 0.82", "cnn 3 0.87")));
        String csv = Files.readString(dir.resolve(AgainstReference.CSV));
        assertEquals("model,weights,network,seeds,test_acc,reference_seeds,reference_test_acc,reference_min,"
                + "reference_max,difference,verdict,group", csv.lines().findFirst().orElseThrow());
        String md = Files.readString(dir.resolve(AgainstReference.MD));
        assertEquals(1, md.lines().filter(l -> l.startsWith("| CNN | 9987 | cnn-net | 4 | 83.00 | 1 2 3 | 83.00 | "
                + "80.00 | 87.00 | 0.00 | inside |")).count(), md);
    }
}
