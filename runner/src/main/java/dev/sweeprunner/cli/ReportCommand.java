package dev.sweeprunner.cli;

import dev.sweeprunner.UserError;
import dev.sweeprunner.records.EpochConfusion;
import dev.sweeprunner.records.TrialRecord;
import dev.sweeprunner.records.TrialStore;
import dev.sweeprunner.report.ConfusionDiff;
import dev.sweeprunner.report.Report;
import dev.sweeprunner.report.TableFormat;
import dev.sweeprunner.report.Tables;
import dev.sweeprunner.spec.ExperimentSpec;
import dev.sweeprunner.spec.SpecParser;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "report", description = {
    "Regenerate every derived file of a results directory (tables, plots, report.md) from its trial "
            + "records alone, then print a table. Merges what several machines or shards wrote into one directory."})
final class ReportCommand implements Callable<Integer> {
    /** Which table is printed. */
    enum Printed { SUMMARY, TRIALS }

    @Parameters(paramLabel = "RESULTS_DIR", description = "a results directory, e.g. results/table1")
    Path dir;

    @Option(names = "--format", description = "md | csv | json (default: ${DEFAULT-VALUE})", defaultValue = "md",
            converter = FormatConverter.class)
    TableFormat format;

    @Option(names = "--table", description = "summary (mean ± std per configuration) | trials (default: "
            + "${DEFAULT-VALUE})", defaultValue = "summary", converter = PrintedConverter.class)
    Printed table;

    @Option(names = "--diff", arity = "2", paramLabel = "TRIAL",
            description = "also write the confusion matrix of the first trial minus the second's (ids or prefixes)")
    List<String> diff;

    @Option(names = "--at", description = "best | last: which epoch's confusion matrices --diff compares "
            + "(default: ${DEFAULT-VALUE})", defaultValue = "last", converter = AtConverter.class)
    EpochConfusion.At at;

    @picocli.CommandLine.Mixin
    AgainstOption against;

    @Override
    public Integer call() throws Exception {
        Optional<AgainstOption.Reference> reference = against.load();
        TrialStore store = new TrialStore(dir);
        if (!Files.isDirectory(dir)) {
            throw new UserError(dir + ": " + (Files.exists(dir) ? "not a directory" : "no such directory"));
        }
        TrialStore.Scan scan = store.scan();
        store.requireWritable(); // the report is written beside the records: say so before reading them all
        List<TrialRecord> records = scan.records();
        if (records.isEmpty()) {
            Report.warnDamaged(scan.damaged(), System.err);
            throw new UserError(dir + ": no " + (scan.damaged().isEmpty() ? "" : "readable ")
                    + "trial records (expected " + dir.resolve(TrialStore.TRIALS_DIR) + "/<id>/trial.json)");
        }
        Path experimentFile = dir.resolve(TrialStore.EXPERIMENT_YAML);
        String name = records.get(0).experiment();
        String description = "";
        if (Files.isRegularFile(experimentFile)) {
            try {
                ExperimentSpec spec = SpecParser.parse(experimentFile);
                name = spec.name();
                description = spec.description();
            } catch (UserError e) { // only the report's title comes from it: name it and go on
                System.err.println("warning: damaged record " + e.getMessage() + "; the report is titled '" + name
                        + "' from the trial records");
            }
        }
        Report.Results results = Report.load(store, name, description);
        ConfusionDiff.Result result = diff == null ? null : ConfusionDiff.of(results, diff.get(0), diff.get(1), at);
        if (result != null) {
            ConfusionDiff.write(dir, result); // first, so report.md links the new page
        }
        Report.write(store, results, System.err);
        Writer out = new OutputStreamWriter(System.out, StandardCharsets.UTF_8);
        if (result != null) {
            out.write(result.title() + "\n");
            format.writeOut(ConfusionDiff.table(result), out);
            out.flush();
            System.err.println("Wrote " + dir.resolve(result.baseName() + ".md"));
            return 0;
        }
        format.writeOut(table == Printed.SUMMARY ? Tables.summary(results.groups())
                : Tables.trials(results.trials(), results.groups()), out);
        out.flush();
        reference.ifPresent(r -> r.compare(dir, results.groups(), System.out));
        System.err.println("Regenerated " + dir.resolve(Report.REPORT_MD) + " and the tables beside it ("
                + results.trials().size() + " trials, " + results.groups().size() + " configurations"
                + (results.damaged().isEmpty() ? "" : "; " + results.damaged().size() + " damaged file(s), named above")
                + ")");
        return 0;
    }

    static final class FormatConverter implements CommandLine.ITypeConverter<TableFormat> {
        @Override
        public TableFormat convert(String value) {
            return parse(TableFormat.class, value, "md, csv or json");
        }
    }

    static final class PrintedConverter implements CommandLine.ITypeConverter<Printed> {
        @Override
        public Printed convert(String value) {
            return parse(Printed.class, value, "summary or trials");
        }
    }

    static final class AtConverter implements CommandLine.ITypeConverter<EpochConfusion.At> {
        @Override
        public EpochConfusion.At convert(String value) {
            return parse(EpochConfusion.At.class, value, "best or last");
        }
    }

    /** Case-insensitive enum names; anything else is a usage error (exit 2). */
    static <E extends Enum<E>> E parse(Class<E> type, String value, String expected) {
        try {
            return Enum.valueOf(type, value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException("expected " + expected + ", got '" + value + "'");
        }
    }
}
