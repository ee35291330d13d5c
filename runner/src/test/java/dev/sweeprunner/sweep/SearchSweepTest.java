package dev.sweeprunner.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sweeprunner.plan.PlanOverrides;
import dev.sweeprunner.plan.Trial;
import dev.sweeprunner.records.TrialStatus;
import dev.sweeprunner.records.TrialStore;
import dev.sweeprunner.search.Search;
import dev.sweeprunner.search.TpeSource;
import dev.sweeprunner.search.TpeSourceTest;
import dev.sweeprunner.train.TrialRunner;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A sweep pulling a TPE search's proposals (training stands in: records are written at once). */
class SearchSweepTest {
    @TempDir
    Path dir;

    private Sweep.Outcome sweep(Path results, int slots, ByteArrayOutputStream log) {
        PrintStream out = new PrintStream(log, true, StandardCharsets.UTF_8);
        TrialStore store = new TrialStore(results);
        TpeSource source = new TpeSource(new Search(TpeSourceTest.spec(), PlanOverrides.NONE), store, slots, out);
        Sweep sweep = new Sweep(out, (plan, s, progress, n) -> new TrialRunner() {
            @Override
            public TrialStatus run(Trial trial, int lastEpoch) {
                TpeSourceTest.train(s, trial);
                return TrialStatus.COMPLETED;
            }

            @Override
            public void stop() {}

            @Override
            public void close() {}
        });
        return sweep.run(Search.plan(TpeSourceTest.spec(), PlanOverrides.NONE),
                Sweep.Options.builder(results).workers(slots).build(), source);
    }

    @Test
    void runsEveryProposedTrialOnceWithTwoSlotsAndResumesToNothing() {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        Sweep.Outcome first = sweep(dir, 2, log);
        assertEquals(2 * TpeSourceTest.CONFIGURATIONS, first.completed(), log.toString(StandardCharsets.UTF_8));
        assertTrue(log.toString(StandardCharsets.UTF_8).contains("TPE proposes configuration 16 of 16"));
        Sweep.Outcome again = sweep(dir, 2, new ByteArrayOutputStream());
        assertEquals(0, again.completed(), "a finished search proposes the same trials, all done");
        assertEquals(2 * TpeSourceTest.CONFIGURATIONS, TpeSourceTest.trialsRun(dir).size());
    }
}
