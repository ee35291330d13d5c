package dev.sweeprunner.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/** The plan options, declared once, mean the same to every command that plans; worker threads follow the whole plan. */
class PlanOptionsTest {
    static Stream<Arguments> badOverrides() {
        String file = CliTest.repoFile("experiments/table1.yaml").toString();
        return Stream.of(
                Arguments.of(Named.of("plan --epochs 0", new String[] {"plan", file, "--epochs", "0"}),
                        "--epochs: must be at least 1, got 0"),
                Arguments.of(Named.of("sweep --epochs 0", new String[] {"sweep", file, "--epochs", "0"}),
                        "--epochs: must be at least 1, got 0"),
                Arguments.of(Named.of("plan --train-limit 5", new String[] {"plan", file, "--train-limit", "5"}),
                        "--train-limit: must be at least 100, got 5"),
                Arguments.of(Named.of("sweep --train-limit 5", new String[] {"sweep", file, "--train-limit", "5"}),
                        "--train-limit: must be at least 100, got 5"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badOverrides")
    void everyCommandThatPlansChecksTheOverridesAlike(String[] args, String message) {
        CliTest.Result r = CliTest.run(args);
        assertEquals(2, r.code());
        assertEquals("error: " + message, r.err().strip());
    }

    @Test
    void planShowsWhatTheOverridesMake() throws Exception {
        CliTest.Result r = CliTest.run("plan", CliTest.repoFile("experiments/table1.yaml").toString(), "--json",
                "--epochs", "3", "--train-limit", "500");
        assertEquals(0, r.code(), r.err());
        for (JsonNode trial : new ObjectMapper().readTree(r.out())) {
            assertEquals(3, trial.get("epochs").asInt());
            assertEquals(500, trial.get("train_limit").asInt());
        }
    }

    @Test
    void theWorkersCommandLineHasNoPlanOptions() {
        CommandLine worker = new CommandLine(new WorkerCommand());
        for (String option : new String[] {"--epochs", "--train-limit"}) {
            assertTrue(worker.getCommandSpec().findOption(option) == null, option);
        }
        assertTrue(worker.getCommandSpec().positionalParameters().isEmpty(), "no experiment file");
    }

    static Stream<Arguments> threads() {
        return Stream.of(
                Arguments.of(Named.of("2 cores, 2 workers, 3 trials", new int[] {2, 2}), 1),
                Arguments.of(Named.of("2 cores, a plan of 1 trial", new int[] {2, 1}), 2),
                Arguments.of(Named.of("16 cores, 3 workers", new int[] {16, 3}), 5),
                Arguments.of(Named.of("1 core, 4 workers", new int[] {1, 4}), 1));
    }

    /** {@code slotsForPlan} = min(workers, trials in the whole plan): the shard and what is left play no part. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("threads")
    void threadsPerWorkerFollowTheMachineAndTheWholePlan(int[] coresAndSlots, int expected) {
        assertEquals(expected, SweepCommand.threadsPerWorker(coresAndSlots[0], coresAndSlots[1]));
    }
}
