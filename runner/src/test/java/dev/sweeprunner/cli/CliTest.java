package dev.sweeprunner.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sweeprunner.run.DeviceChoice;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import java.util.ArrayList;
import java.util.List;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.junit.jupiter.api.io.TempDir;

/** Exit codes and output of the command line: 0 ok, 2 user error (one line, no stack trace). */
class CliTest {
    @TempDir
    Path dir;

    record Result(int code, String out, String err) {}

    static Result run(String... args) {
        PrintStream savedOut = System.out;
        PrintStream savedErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int code = Main.execute(args);
            return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(savedOut);
            System.setErr(savedErr);
        }
    }

    static Path repoFile(String relative) {
        return Path.of(System.getProperty("runner.repoRoot", "..")).resolve(relative);
    }

    @Test
    void planPrintsJsonWithExactCounts() throws IOException {
        Result r = run("plan", repoFile("experiments/table1.yaml").toString(), "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode trials = new ObjectMapper().readTree(r.out());
        assertEquals(7, trials.size());
        for (JsonNode t : trials) {
            for (String key : new String[] {"trial_id", "arch", "budget", "params", "eval_batch", "optimizer", "lr", "epochs",
                    "seed"}) {
                assertTrue(t.has(key), key);
            }
            long budget = t.get("budget").asLong();
            long params = t.get("params").asLong();
            assertTrue(params <= budget && params >= 0.95 * budget, t.toString());
        }
    }

    /** Study A's three-seed file reuses the default sweep's seed-1 trials: their ids are the same. */
    @Test
    void studyAContainsTheDefaultSweepsTrials() throws IOException {
        Set<String> table1 = trialIds("experiments/table1.yaml");
        Set<String> studyA = trialIds("experiments/study-a-table1.yaml");
        assertEquals(7, table1.size());
        assertTrue(studyA.containsAll(table1), studyA + " contains " + table1);
    }

    private Set<String> trialIds(String file) throws IOException {
        Result r = run("plan", repoFile(file).toString(), "--json");
        assertEquals(0, r.code(), r.err());
        Set<String> ids = new HashSet<>();
        new ObjectMapper().readTree(r.out()).forEach(t -> ids.add(t.get("trial_id").asText()));
        return ids;
    }

    /** The five reference studies plan, each network with the study's exact count and no budget. */
    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "experiments/table1.yaml, 7, ",
            "experiments/study-a-table1.yaml, 21, ",
            "experiments/study-b-compact-cnn.yaml, 21, compact-cnn=94410",
            "experiments/study-c-mlp-vs-lenet.yaml, 6, mlp-256-128=235146 lenet5=496138",
            "experiments/study-d-deep-mlp.yaml, 3, mlp-512-256-128=567434",
            "experiments/study-e-baseline-vs-deep.yaml, 6, mnist-cnn=1199882 deep-cnn=305130"})
    void studyExperimentsPlan(String file, int trials, String presetCounts) throws IOException {
        Result r = run("plan", repoFile(file).toString(), "--json");
        assertEquals(0, r.code(), r.err());
        JsonNode plan = new ObjectMapper().readTree(r.out());
        assertEquals(trials, plan.size());
        if (presetCounts == null) {
            return;
        }
        for (String pair : presetCounts.split(" ")) {
            String preset = pair.split("=")[0];
            long count = Long.parseLong(pair.split("=")[1]);
            List<JsonNode> rows = new ArrayList<>();
            plan.forEach(t -> {
                if (t.path("preset").asText().equals(preset)) {
                    rows.add(t);
                }
            });
            assertFalse(rows.isEmpty(), preset + " planned");
            for (JsonNode t : rows) {
                assertEquals(count, t.get("params").asLong(), preset);
                assertTrue(t.get("budget").isNull(), "a preset has no budget");
            }
        }
    }

    @Test
    void badFileExitsTwoWithOneLine() throws IOException {
        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, "name: x\ndefaults:\n  lr: -1\ngrid:\n  - {arch: fcn, budget: 50000}\n");
        Result r = run("plan", bad.toString());
        assertEquals(2, r.code());
        assertEquals("error: " + bad + ":3:7: defaults.lr: must be in (0, 10], got -1", r.err().strip());
        assertFalse(r.err().contains("\tat "), "no stack trace");
    }

    @Test
    void missingFileAndBadOptionsAreUserErrors() {
        assertEquals(2, run("plan", dir.resolve("none.yaml").toString()).code());
        assertEquals(2, run("sweep", "x.yaml", "--device", "tpu").code());
        assertEquals(2, run("plan", repoFile("experiments/table1.yaml").toString(), "--epochs", "0").code());
        assertEquals(2, run("frobnicate").code());
        assertEquals(2, run("plan", repoFile("experiments/table1.yaml").toString(), "--only", "lr=5").code());
        assertEquals(2, run("sweep", repoFile("experiments/table1.yaml").toString(), "--workers", "many").code());
        assertEquals(2, run("sweep", repoFile("experiments/table1.yaml").toString(), "--workers", "-1").code());
    }

    /** --max-trials (plan and sweep): table1 has 7 trials. */
    @ParameterizedTest(name = "--max-trials {0}")
    @CsvSource({"5, 2, 'grid: expands to 7 trials (grid[1] alone to 4), over the limit of 5'",
            "7, 0, ''", "0, 2, '--max-trials: must be at least 1, got 0'"})
    void maxTrialsIsALimitOnTheGrid(String limit, int code, String message) {
        Result plan = run("plan", repoFile("experiments/table1.yaml").toString(), "--max-trials", limit);
        assertEquals(code, plan.code(), plan.err());
        assertTrue(plan.err().contains(message), plan.err());
        if (code != 0) {
            Result sweep = run("sweep", repoFile("experiments/table1.yaml").toString(), "--max-trials", limit,
                    "--results", dir.resolve("r").toString());
            assertEquals(code, sweep.code(), sweep.err());
            assertTrue(sweep.err().contains(message), sweep.err());
        }
    }

    @Test
    void gpuWithoutGpuIsAUserError() {
        Assumptions.assumeTrue(Engine.getInstance().getGpuCount() == 0, "this machine has a GPU");
        Result r = run("sweep", repoFile("experiments/table1.yaml").toString(), "--device", "gpu", "--results",
                dir.resolve("r").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("--device gpu: no GPU"), r.err());
    }

    @Test
    void everyCommandHasHelp() {
        for (String command : new String[] {"plan", "sweep", "report", "evaluate", "data", "info"}) {
            Result r = run(command, "--help");
            assertEquals(0, r.code(), command + ": " + r.err());
            assertTrue(r.out().startsWith("Usage: runner " + command), r.out());
        }
        Result sweep = run("help", "sweep");
        assertEquals(0, sweep.code(), sweep.err());
        assertTrue(sweep.out().contains("--threads"), sweep.out());
    }

    @Test
    void autoWorkersAreOnePerCoreOnTheCpu() {
        int cores = Runtime.getRuntime().availableProcessors();
        assertEquals(cores, SweepCommand.workerCount("auto", DeviceChoice.CPU));
        assertEquals(1, SweepCommand.workerCount("auto", DeviceChoice.GPU));
        assertEquals(3, SweepCommand.workerCount("3", DeviceChoice.CPU));
        assertEquals(0, SweepCommand.workerCount("0", DeviceChoice.AUTO));
    }

    @Test
    void infoShowsVersions() {
        Result r = run("info");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("DJL:           0.35.1"), r.out());
        assertTrue(r.out().contains("PyTorch 2.7.1"), r.out());
    }
}
