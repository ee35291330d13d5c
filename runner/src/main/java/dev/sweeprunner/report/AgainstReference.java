package dev.sweeprunner.report;

import dev.sweeprunner.records.AtomicFiles;
import java.io.IOException;
import java.io.Writer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One run against a reference run: per configuration, test accuracy here and there and whether
 * the difference is inside the spread the reference's seeds show. Configurations are matched by
 * {@link Group#id()}, the hash of every setting but the seed (or fold): the same settings give
 * the same trial ids and the same group, whichever seeds each side ran.
 *
 * <p>"Inside" means: this run's test accuracy (mean over its seeds) lies within the reference's
 * minimum–maximum over its seeds. The range needs two reference seeds; with one, no spread is
 * known and the row says so rather than guess one.
 */
public final class AgainstReference {
    public static final String MD = "against-reference.md";
    public static final String CSV = "against-reference.csv";

    /** What a row says about the difference. */
    public enum Verdict {
        INSIDE("inside", "within the reference's min–max over seeds"),
        OUTSIDE("outside", "outside the reference's min–max over seeds"),
        NO_SPREAD("no_spread", "no spread known: the reference has one seed"),
        ONLY_HERE("only_here", "not in the reference (a setting differs)"),
        ONLY_REFERENCE("only_reference", "not (or not completed) in this run");

        private final String csvName;
        private final String meaning;

        Verdict(String csvName, String meaning) {
            this.csvName = csvName;
            this.meaning = meaning;
        }

        public String csvName() {
            return csvName;
        }

        public String meaning() {
            return meaning;
        }
    }

    /** One configuration; either side is null when only the other has it. */
    public record Row(Group here, Group reference) {
        public Group any() {
            return here != null ? here : reference;
        }

        public double hereMean() {
            return here == null ? Double.NaN : here.stats(Metric.TEST_ACC).mean();
        }

        public double referenceMean() {
            return reference == null ? Double.NaN : reference.stats(Metric.TEST_ACC).mean();
        }

        public double referenceMin() {
            return reference == null ? Double.NaN : values(reference).stream().mapToDouble(d -> d).min().orElse(Double.NaN);
        }

        public double referenceMax() {
            return reference == null ? Double.NaN : values(reference).stream().mapToDouble(d -> d).max().orElse(Double.NaN);
        }

        public double difference() {
            return hereMean() - referenceMean();
        }

        public Verdict verdict() {
            if (reference == null) {
                return Verdict.ONLY_HERE;
            }
            if (here == null) {
                return Verdict.ONLY_REFERENCE;
            }
            if (reference.n() < 2) {
                return Verdict.NO_SPREAD;
            }
            double mean = hereMean();
            return mean >= referenceMin() && mean <= referenceMax() ? Verdict.INSIDE : Verdict.OUTSIDE;
        }

        private static List<Double> values(Group g) {
            return g.members().stream().map(m -> m.value(Metric.TEST_ACC)).toList();
        }
    }

    private AgainstReference() {}

    /** This run's configurations in its order, then those only the reference has, in the reference's. */
    public static List<Row> rows(List<Group> here, List<Group> reference) {
        Map<String, Group> byId = new LinkedHashMap<>();
        reference.forEach(g -> byId.put(g.id(), g));
        List<Row> rows = new ArrayList<>();
        for (Group g : here) {
            rows.add(new Row(g, byId.remove(g.id())));
        }
        byId.values().forEach(g -> rows.add(new Row(null, g)));
        return rows;
    }

    /**
     * The comparison as a table: accuracies as fractions (as in summary.csv) for {@link #CSV}, or
     * in percent with the difference in percentage points for people ({@link #MD}, the console).
     */
    public static Table table(List<Row> rows, boolean percent) {
        String unit = percent ? "_pct" : "";
        Table.Builder table = new Table.Builder().text("model").number("weights").text("network")
                .text("seeds").number("test_acc" + unit).text("reference_seeds").number("reference_test_acc" + unit)
                .number("reference_min" + unit).number("reference_max" + unit)
                .number("difference" + (percent ? "_points" : "")).text("verdict").text("group");
        for (Row r : rows) {
            Group g = r.any();
            table.row(List.of(g.first().setting("arch").toUpperCase(Locale.ROOT), Long.toString(g.first().params()),
                    g.first().network(), r.here() == null ? "" : r.here().memberValues("seed"),
                    accuracy(r.hereMean(), percent),
                    r.reference() == null ? "" : r.reference().memberValues("seed"),
                    accuracy(r.referenceMean(), percent), accuracy(r.referenceMin(), percent),
                    accuracy(r.referenceMax(), percent), accuracy(r.difference(), percent),
                    r.verdict().csvName(), g.id()));
        }
        return table.build();
    }

    /** Writes {@link #MD} and {@link #CSV} into {@code dir}. */
    public static void write(Path dir, Path referenceDir, List<Row> rows) {
        AtomicFiles.write(dir.resolve(CSV), writer -> TableFormat.CSV.writeOut(table(rows, false), writer));
        AtomicFiles.write(dir.resolve(MD), writer -> markdown(writer, referenceDir, rows));
    }

    private static void markdown(Writer out, Path referenceDir, List<Row> rows) throws IOException {
        out.write("# This run against " + referenceDir + "\n\n");
        out.write("Test accuracy at the last epoch, in %, mean over each side's seeds; difference = this run "
                + "minus the reference, in percentage points. Configurations are matched by every setting but "
                + "the seed (`group`). Numbers as fractions: [" + CSV + "](" + CSV + ").\n\n");
        TableFormat.MD.writeOut(table(rows, true), out);
        out.write("\nverdict:\n\n");
        for (Verdict v : Verdict.values()) {
            out.write("- `" + v.csvName() + "`: " + v.meaning() + "\n");
        }
    }

    private static String accuracy(double value, boolean percent) {
        if (Double.isNaN(value)) {
            return "";
        }
        // rounded to the digits shown first, so a difference of -1e-17 prints as 0, not -0
        return percent ? String.format(Locale.ROOT, "%.2f", Math.round(value * 1e4) / 1e2)
                : Metric.TEST_ACC.formatStatistic(Math.round(value * 1e6) / 1e6);
    }
}
