package dev.sweeprunner.cli;

import dev.sweeprunner.UserError;
import dev.sweeprunner.records.TrialStore;
import dev.sweeprunner.report.AgainstReference;
import dev.sweeprunner.report.Group;
import dev.sweeprunner.report.Report;
import dev.sweeprunner.report.TableFormat;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Option;

/** {@code --against DIR} of sweep and report: this run's test accuracy against a reference run's. */
final class AgainstOption {
    @Option(names = "--against", paramLabel = "REF_DIR", description = "compare test accuracy per configuration "
            + "with the run in REF_DIR: writes " + AgainstReference.MD + " and " + AgainstReference.CSV
            + " beside the report and prints it")
    Path dir;

    /** The reference's configurations, read now so a wrong directory stops the command before it trains. */
    Optional<Reference> load() {
        if (dir == null) {
            return Optional.empty();
        }
        if (!Files.isDirectory(dir)) {
            throw new UserError("--against " + dir + ": no such directory");
        }
        TrialStore store = new TrialStore(dir);
        if (store.readAll().isEmpty()) {
            throw new UserError("--against " + dir + ": no trial records (expected " + dir.resolve(TrialStore.TRIALS_DIR)
                    + "/<id>/trial.json)");
        }
        return Optional.of(new Reference(dir, Report.load(store, "", "").groups()));
    }

    /** A loaded reference run. */
    record Reference(Path dir, List<Group> groups) {
        /** Writes the comparison beside this run's report and prints it, one row per configuration. */
        void compare(Path resultsDir, List<Group> here, PrintStream out) {
            List<AgainstReference.Row> rows = AgainstReference.rows(here, groups);
            AgainstReference.write(resultsDir, dir, rows);
            out.println("This run against " + dir + " (test accuracy %, mean over seeds; difference in points; "
                    + "inside = within the reference's min-max over seeds):");
            try {
                Writer writer = new OutputStreamWriter(out, StandardCharsets.UTF_8);
                TableFormat.MD.writeOut(AgainstReference.table(rows, true), writer);
                writer.flush();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            out.println("Wrote " + resultsDir.resolve(AgainstReference.MD) + " and " + AgainstReference.CSV);
        }
    }
}
