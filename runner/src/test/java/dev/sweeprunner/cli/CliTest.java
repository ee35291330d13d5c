package dev.sweeprunner.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sweeprunner.sweep.GpuAssignment;
import dev.sweeprunner.train.DeviceChoice;
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

    /** A TPE search plans its start-up trials and says how many TPE proposes after them. */
    @Test
    void planListsATpeSearchsStartupTrials() {
        Result r = run("plan", repoFile("experiments/search-demo.yaml").toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("search-demo: 8 trials"), r.out());
        assertTrue(r.out().contains("then 22 more configurations, each proposed by TPE from the results before it "
                + "(objective: max val_acc)"), r.out());
    }

    /** The five reference studies plan, each network with the study's exact count and no budget. */
    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "experiments/table1.yaml, 7, ",
            "experiments/study-a-table1.yaml, 21, ",
            "experiments/study-b-compact-cnn.yaml, 21, compact-cnn=94410",
            "experiments/study-c-mlp-vs-lenet.yaml, 6, mlp-256-128=235146 lenet5=496138",
            "experiments/study-d-deep-mlp.yaml, 3, mlp-512-256-128=567434",
            "experiments/study-e-baseline-vs-deep.yaml, 6, mnist-cnn=1199882 deep-cnn=305130",
            "experiments/search-demo.yaml, 8, "})
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

    static java.util.stream.Stream<org.junit.jupiter.params.provider.Arguments> userErrors() {
        String table1 = "experiments/table1.yaml";
        return java.util.stream.Stream.of(
                org.junit.jupiter.params.provider.Arguments.of("missing experiment file", List.of("plan", "@none.yaml")),
                org.junit.jupiter.params.provider.Arguments.of("unknown device", List.of("sweep", "x.yaml", "--device", "tpu")),
                org.junit.jupiter.params.provider.Arguments.of("zero epochs", List.of("plan", table1, "--epochs", "0")),
                org.junit.jupiter.params.provider.Arguments.of("unknown command", List.of("frobnicate")),
                org.junit.jupiter.params.provider.Arguments.of("a selection no trial has", List.of("plan", table1, "--only", "lr=5")),
                org.junit.jupiter.params.provider.Arguments.of("workers not a number", List.of("sweep", table1, "--workers", "many")),
                org.junit.jupiter.params.provider.Arguments.of("negative workers", List.of("sweep", table1, "--workers", "-1")));
    }

    /** Arguments naming a repository file are read from the checkout; "@name" is a file in the test's directory. */
    @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.MethodSource("userErrors")
    void missingFileAndBadOptionsAreUserErrors(String name, List<String> args) {
        String[] resolved = args.stream().map(a -> a.startsWith("@") ? dir.resolve(a.substring(1)).toString()
                : a.startsWith("experiments/") ? repoFile(a).toString() : a).toArray(String[]::new);
        Result r = run(resolved);
        assertEquals(2, r.code(), name + ": " + r.err());
        assertFalse(r.err().contains("\tat "), name + ": no stack trace");
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
        for (String command : new String[] {"plan", "sweep", "report", "compare", "evaluate", "data", "info"}) {
            Result r = run(command, "--help");
            assertEquals(0, r.code(), command + ": " + r.err());
            assertTrue(r.out().startsWith("Usage: runner " + command), r.out());
        }
        Result sweep = run("help", "sweep");
        assertEquals(0, sweep.code(), sweep.err());
        assertTrue(sweep.out().contains("--threads"), sweep.out());
    }

    static java.util.stream.Stream<org.junit.jupiter.params.provider.Arguments> workerCounts() {
        GpuAssignment cpu = new GpuAssignment(List.of());
        GpuAssignment oneGpu = new GpuAssignment(List.of("0"));
        GpuAssignment eightGpus = new GpuAssignment(List.of("0", "1", "2", "3", "4", "5", "6", "7"));
        return java.util.stream.Stream.of(
                org.junit.jupiter.params.provider.Arguments.of("auto on a CPU: one per core", "auto", cpu, false, 16, 16),
                org.junit.jupiter.params.provider.Arguments.of("auto on one GPU", "auto", oneGpu, false, 16, 1),
                org.junit.jupiter.params.provider.Arguments.of("auto on one GPU under MPS", "auto", oneGpu, true, 16, 2),
                org.junit.jupiter.params.provider.Arguments.of("auto on eight GPUs", "auto", eightGpus, false, 32, 8),
                org.junit.jupiter.params.provider.Arguments.of("a number wins", "3", eightGpus, false, 32, 3),
                org.junit.jupiter.params.provider.Arguments.of("0: in this JVM", "0", cpu, false, 2, 0));
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.MethodSource("workerCounts")
    void workerCounts(String name, String text, GpuAssignment gpus, boolean mps, int cores, int expected) {
        assertEquals(expected, SweepCommand.workerCount(text, gpus, mps, cores), name);
    }

    @Test
    void noGpusWhenTrainingOnTheCpu() {
        assertTrue(SweepCommand.gpus("auto", DeviceChoice.CPU).none());
        assertTrue(SweepCommand.gpus("0", DeviceChoice.AUTO).none(), "in this JVM: the engine is not asked");
    }

    @Test
    void infoShowsVersions() {
        Result r = run("info");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("DJL:           0.35.1"), r.out());
        assertTrue(r.out().contains("PyTorch 2.7.1"), r.out());
    }

    /** plan's hand-built lines equal String.format of its pattern, for every committed experiment's trials. */
    @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"experiments/table1.yaml",
            "experiments/study-b-compact-cnn.yaml", "experiments/study-c-mlp-vs-lenet.yaml",
            "experiments/study-d-deep-mlp.yaml", "experiments/study-e-baseline-vs-deep.yaml"})
    void planLinesAreThePattern(String file) {
        dev.sweeprunner.plan.Plan plan = dev.sweeprunner.plan.Planner.plan(
                dev.sweeprunner.spec.SpecParser.parse(repoFile(file)), dev.sweeprunner.plan.PlanOverrides.NONE);
        for (dev.sweeprunner.plan.Trial t : plan.trials()) {
            var c = t.config();
            boolean generated = c.values().containsKey(dev.sweeprunner.spec.TrialField.DROPOUT);
            String expected = String.format(java.util.Locale.ROOT, PlanCommand.LINE, t.index() + 1, t.id(),
                    c.arch().yamlName(), c.budget() == null ? "-" : c.budget(), t.params(), t.network().describe(),
                    c.optimizer().yamlName(), c.lr(), c.init().yamlName(), generated ? c.dropout() : "-",
                    generated ? c.batchNorm() : "-", c.batchSize(), c.epochs(), c.seed(),
                    c.fold() == null ? "" : " fold " + c.fold() + "/" + c.folds(),
                    c.precision() == dev.sweeprunner.spec.Precision.FP32 ? "" : " " + c.precision().yamlName());
            assertEquals(expected, PlanCommand.line(t), file);
        }
    }
}
