package dev.sweeprunner.cli;

import dev.sweeprunner.UserError;
import dev.sweeprunner.records.TrialRecord;
import dev.sweeprunner.records.TrialStore;
import dev.sweeprunner.report.Comparison;
import dev.sweeprunner.report.Difference;
import dev.sweeprunner.report.Metric;
import dev.sweeprunner.report.Report;
import dev.sweeprunner.report.TableFormat;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "compare",
        customSynopsis = "runner compare [--format=md|csv|json] [--metric=METRIC[,METRIC...]] (DIR A B | DIR1 DIR2)",
        description = {
    "Say whether a difference is real: per metric, the mean difference A - B with a 95%% confidence interval and "
            + "the p-value of Welch's t-test over seeds or folds (the paired t-test when both sides ran the same "
            + "seeds/folds). Reads trial records only; writes nothing.",
    "  runner compare DIR A B      two configurations or trials of one results directory; A and B are each a "
            + "KEY=VALUE[,KEY=VALUE...] selection (e.g. arch=fcn,budget=100000), a configuration id (summary.csv's "
            + "group column) or a trial id, each as an unambiguous prefix",
    "  runner compare DIR1 DIR2    two results directories, configuration by configuration (same config apart "
            + "from seed and fold)"})
final class CompareCommand implements Callable<Integer> {
    @Parameters(arity = "2..*", paramLabel = "ARG",
            description = "a results directory and two selections of it, or two results directories")
    List<String> arguments;

    @Option(names = "--format", description = "md | csv | json (default: ${DEFAULT-VALUE}); md prints accuracies "
            + "in percent for reading, csv and json every number in its own unit", defaultValue = "md",
            converter = ReportCommand.FormatConverter.class)
    TableFormat format;

    @Option(names = "--metric", split = ",", paramLabel = "METRIC",
            description = "only these metrics, comma-separated, as named in summary.csv (test_acc, best_val_acc, ...; "
                    + "default: all)",
            converter = MetricConverter.class)
    List<Metric> metrics;

    @Option(names = "--ignore", split = ",", paramLabel = "KEY",
            description = "DIR1 DIR2: match configurations without these settings too (besides seed and fold), "
                    + "e.g. --ignore precision to set bf16 runs against their fp32 twins")
    List<String> ignored;

    @Override
    public Integer call() throws Exception {
        List<Metric> chosen = metrics == null || metrics.isEmpty() ? Arrays.asList(Metric.values()) : metrics;
        Comparison.Result result;
        if (arguments.size() > 3) {
            throw new UserError("compare: expected DIR A B or DIR1 DIR2, got " + arguments.size() + " arguments");
        }
        Path first = Path.of(arguments.get(0));
        Report.Results a = load(first);
        if (arguments.size() == 3) {
            if (ignored != null && !ignored.isEmpty()) {
                throw new UserError("compare: --ignore matches configurations of two directories (DIR1 DIR2); "
                        + "with DIR A B the selections say what is compared");
            }
            result = Comparison.within(a, arguments.get(1), arguments.get(2), chosen);
        } else {
            Path second = Path.of(arguments.get(1));
            if (!Files.isDirectory(second)) {
                throw new UserError(second + ": no such results directory (to compare two selections of "
                        + first + ", give both: runner compare " + first + " A B)");
            }
            result = Comparison.between(a, first.toString(), load(second), second.toString(), chosen,
                    ignored == null ? Set.of() : Set.copyOf(ignored));
        }
        Writer out = new OutputStreamWriter(System.out, StandardCharsets.UTF_8);
        // md is for reading: what is compared and how to read it go with the table; csv/json stay parseable
        PrintStream notes = format == TableFormat.MD ? System.out : System.err;
        notes.println("A: " + result.a().label() + (arguments.size() == 3 ? ", " + result.a().repeats() : ""));
        notes.println("B: " + result.b().label() + (arguments.size() == 3 ? ", " + result.b().repeats() : ""));
        notes.println();
        format.writeOut(format == TableFormat.MD ? Comparison.readable(result) : Comparison.table(result), out);
        out.flush();
        notes.println();
        notes.println(legend(result));
        result.onlyInA().forEach(c -> notes.println("only in " + result.a().label() + ": " + c));
        result.onlyInB().forEach(c -> notes.println("only in " + result.b().label() + ": " + c));
        notes.flush();
        return 0;
    }

    /** How to read the table, and each reason a row has no interval, once. */
    private static String legend(Comparison.Result result) {
        String untested = result.rows().stream().map(r -> r.difference().untested())
                .filter(u -> u != Difference.Untested.NO).distinct().map(u -> "\n" + u.sentence())
                .collect(Collectors.joining());
        return String.format(Locale.ROOT, "A − B per metric over seeds/folds; %.0f%% confidence interval; p: two-sided "
                + "t-test (paired when both sides ran the same seeds/folds, Welch's otherwise); * p < %.2f, not "
                + "corrected for testing several metrics.", 100 * Difference.CONFIDENCE, Difference.SIGNIFICANCE)
                + untested;
    }

    private static Report.Results load(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new UserError(dir + ": no such results directory");
        }
        TrialStore store = new TrialStore(dir);
        List<TrialRecord> records = store.readAll();
        if (records.isEmpty()) {
            throw new UserError(dir + ": no trial records (expected " + dir.resolve(TrialStore.TRIALS_DIR)
                    + "/<id>/trial.json)");
        }
        Report.Results results = Report.load(store, records.get(0).experiment(), "");
        if (results.groups().isEmpty()) {
            throw new UserError(dir + ": no completed trial to compare (" + records.size() + " trial records)");
        }
        return results;
    }

    static final class MetricConverter implements picocli.CommandLine.ITypeConverter<Metric> {
        @Override
        public Metric convert(String value) {
            return Arrays.stream(Metric.values()).filter(m -> m.column().equalsIgnoreCase(value.trim())).findFirst()
                    .orElseThrow(() -> new picocli.CommandLine.TypeConversionException("expected one of "
                            + Arrays.stream(Metric.values()).map(Metric::column).collect(Collectors.joining(", "))
                            + ", got '" + value + "'"));
        }
    }
}
