package dev.sweeprunner.cli;

import dev.sweeprunner.plan.Plan;
import dev.sweeprunner.records.TrialStore;
import dev.sweeprunner.report.DrawnCharts;
import dev.sweeprunner.report.Report;
import dev.sweeprunner.sweep.SweepListener;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.Optional;

/**
 * The sweep command's report: a preview when the first worker runs out of work, the final one
 * when the sweep ends. The preview loads and compiles the report code and draws the finished
 * trials' charts on the core that worker freed; the final report then draws only the charts
 * whose data changed since (see {@link DrawnCharts}), a fraction of a cold report.
 */
public final class ReportingSweepListener implements SweepListener {
    private final PrintStream out;
    private final DrawnCharts charts = new DrawnCharts();
    private final Optional<AgainstOption.Reference> reference;

    public ReportingSweepListener(PrintStream out) {
        this(out, Optional.empty());
    }

    /** Also compares the finished run with {@code reference} when there is one. */
    ReportingSweepListener(PrintStream out, Optional<AgainstOption.Reference> reference) {
        this.out = out;
        this.reference = reference;
    }

    @Override
    public void onFirstIdleSlot(Plan plan, TrialStore store) {
        try {
            Report.write(store, plan.spec().name(), plan.spec().description(),
                    new PrintStream(OutputStream.nullOutputStream()), charts);
        } catch (RuntimeException e) {
            // a preview only (a trial may be mid-write): the final report, written after every trial, says what failed
        }
    }

    @Override
    public void onSweepEnd(Plan plan, TrialStore store) {
        Report.Results results = Report.write(store, plan.spec().name(), plan.spec().description(), out, charts);
        reference.ifPresent(r -> r.compare(store.resultsDir(), results.groups(), out));
        out.println("Results: " + store.resultsDir().resolve(Report.REPORT_MD) + ", "
                + store.resultsDir().resolve(Report.SUMMARY_CSV) + ", "
                + store.resultsDir().resolve(Report.COMPARISON_MD));
    }
}
