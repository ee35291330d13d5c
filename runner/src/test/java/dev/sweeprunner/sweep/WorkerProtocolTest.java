package dev.sweeprunner.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sweeprunner.plan.Plan;
import dev.sweeprunner.plan.Trial;
import dev.sweeprunner.records.TrialStatus;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The lines between a sweep and its workers: a RUN line carries the whole resolved trial. */
class WorkerProtocolTest {
    private static final String EXPERIMENT = """
            name: wire
            grid:
              - {arch: fcn, budget: 10000, seed: [1, 2]}
              - layers: [{conv: 8, batch_norm: true, pool: 2}, global_avg_pool, {dense: 16, dropout: 0.5}]
              - {preset: lenet5}
            """;

    static Stream<Arguments> trials() {
        Plan plan = SweepTest.plan(EXPERIMENT);
        return plan.trials().stream().map(t -> Arguments.of(Named.of(t.network().describe() + " (seed "
                + t.config().seed() + ")", t)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("trials")
    void aRunLineRebuildsTheTrial(Trial trial) {
        String line = WorkerProtocol.run(trial);
        assertEquals(1, line.lines().count(), "one line");
        Trial received = WorkerProtocol.trial(WorkerProtocol.parse(line));
        assertEquals(trial, received);
    }

    static Stream<Arguments> lines() {
        return Stream.of(
                Arguments.of(Named.of("sweep header, name with spaces", "SWEEP 7 my study"), "SWEEP", "7 my study"),
                Arguments.of(Named.of("ready", "READY"), "READY", ""),
                Arguments.of(Named.of("done", "DONE abc completed"), "DONE", "abc completed"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("lines")
    void linesSplitIntoVerbAndRest(String line, String verb, String rest) {
        WorkerProtocol.Message message = WorkerProtocol.parse(line);
        assertEquals(verb, message.verb());
        assertEquals(rest, message.rest());
    }

    @Test
    void headersAndRepliesRoundTrip() {
        assertEquals(new WorkerProtocol.SweepHeader(7, "my study"),
                WorkerProtocol.sweepHeader(WorkerProtocol.parse(WorkerProtocol.sweep(7, "my study"))));
        WorkerProtocol.Message done = WorkerProtocol.parse(WorkerProtocol.done("abc", TrialStatus.DIVERGED));
        assertEquals("abc", done.trialId());
        assertEquals(TrialStatus.DIVERGED, done.status());
        WorkerProtocol.Message batch = WorkerProtocol.parse(WorkerProtocol.batch("abc", 3, 10, 20));
        assertEquals(20, batch.number(3));
    }

    @Test
    void aConfigThatDoesNotHashToTheSentIdIsRefused() {
        Trial trial = SweepTest.plan(EXPERIMENT).trials().get(0);
        String line = WorkerProtocol.run(trial).replace(trial.id(), "0123456789");
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> WorkerProtocol.trial(WorkerProtocol.parse(line)));
        assertTrue(e.getMessage().contains("hashes to " + trial.id()), e.getMessage());
    }
}
