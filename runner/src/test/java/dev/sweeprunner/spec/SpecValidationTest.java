package dev.sweeprunner.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sweeprunner.UserError;
import dev.sweeprunner.plan.PlanOverrides;
import dev.sweeprunner.plan.Planner;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every user mistake in an experiment file: one line, FILE:LINE:COL: field.path: problem. */
class SpecValidationTest {
    private static final String HEAD = "name: t\n";
    private static final String GRID = "grid:\n  - arch: fcn\n    budget: 50000\n";

    static Stream<Arguments> badFiles() {
        return Stream.of(
                bad("malformed YAML", HEAD + "grid: [\n  - arch: fcn\n", 3, "", "malformed YAML"),
                bad("tab-indented YAML", HEAD + "grid:\n\t- arch: fcn\n", 3, "", "malformed YAML: a tab character"),
                bad("tab in a block", HEAD + "grid:\n  - arch: fcn\n\tbudget: 50000\n", 4, "", "a tab character"),
                bad("unknown top-level key", HEAD + "nmae: x\n" + GRID, 2, "nmae", "unknown key"),
                bad("unknown trial key", HEAD + "defaults:\n  learning_rate: 0.1\n" + GRID, 3, "defaults.learning_rate", "unknown key"),
                bad("lr of the wrong type", HEAD + "defaults:\n  lr: fast\n" + GRID, 3, "defaults.lr", "expected a number"),
                bad("lr zero", HEAD + "defaults:\n  lr: 0\n" + GRID, 3, "defaults.lr", "must be in (0, 10]"),
                bad("lr negative in a list", HEAD + "defaults:\n  lr: [0.1, -0.01]\n" + GRID, 3, "defaults.lr[1]", "must be in (0, 10]"),
                bad("dropout one", HEAD + "defaults:\n  dropout: 1.0\n" + GRID, 3, "defaults.dropout", "must be in [0, 1)"),
                bad("budget below 1000", HEAD + "grid:\n  - arch: cnn\n    budget: 999\n", 4, "grid[0].budget", "between 1000"),
                bad("epochs zero", HEAD + "defaults:\n  epochs: 0\n" + GRID, 3, "defaults.epochs", "between 1"),
                bad("empty list", HEAD + "grid:\n  - arch: fcn\n    budget: []\n", 4, "grid[0].budget", "empty list"),
                bad("unknown optimizer", HEAD + "defaults:\n  optimizer: lion\n" + GRID, 3, "defaults.optimizer", "unknown value 'lion'"),
                bad("unknown precision", HEAD + "defaults:\n  precision: fp16\n" + GRID, 3, "defaults.precision", "unknown value 'fp16'"),
                bad("unknown arch", HEAD + "grid:\n  - arch: rnn\n    budget: 5000\n", 3, "grid[0].arch", "expected fcn | cnn"),
                bad("boolean as number", HEAD + "defaults:\n  batch_norm: 1\n" + GRID, 3, "defaults.batch_norm", "expected true or false"),
                bad("fractional depth", HEAD + "defaults:\n  hidden_layers: 2.5\n" + GRID, 3, "defaults.hidden_layers", "whole number"),
                bad("missing name", GRID, 1, "name", "required"),
                bad("missing grid", HEAD, 1, "grid", "required"),
                bad("empty grid", HEAD + "grid: []\n", 2, "grid", "at least one block"),
                bad("block without budget", HEAD + "grid:\n  - arch: fcn\n", 3, "grid[0].budget", "required"),
                bad("YAML alias", HEAD + "defaults:\n  lr: &fast 0.1\n  dropout: *fast\n" + GRID, 4, "", "aliases (*fast)"),
                bad("type tag", HEAD + "description: !!python/object:os.system x\n" + GRID, 2, "", "type tags"),
                bad("duplicate key", HEAD + "defaults:\n  lr: 0.1\n  lr: 0.2\n" + GRID, 4, "lr", "duplicate key"),
                bad("name with a slash", "name: a/b\n" + GRID, 1, "name", "letters, digits"),
                bad("nested list", HEAD + "grid:\n  - arch: fcn\n    budget: [[5000]]\n", 4, "grid[0].budget[0]", "single value"),
                bad("val_fraction of one", HEAD + "data:\n  val_fraction: 1\n" + GRID, 3, "data.val_fraction", "must be in (0, 1)"),
                bad("fixed normalisation without std", HEAD + "data:\n  normalize: fixed\n  mean: 0.5\n" + GRID, 3, "data.std", "required"),
                bad("negative seed", HEAD + "defaults:\n  seed: -1\n" + GRID, 3, "defaults.seed", "between 0"),
                bad("grid block not a map", HEAD + "grid:\n  - fcn\n", 3, "grid[0]", "expected a map"),
                bad("budget and preset in one block", HEAD + "grid:\n  - arch: fcn\n    budget: 50000\n    preset: lenet5\n",
                        3, "grid[0]", "set only one of budget, preset"),
                bad("unknown preset", HEAD + "grid:\n  - preset: vgg16\n", 3, "grid[0].preset", "expected compact-cnn | lenet5"),
                bad("empty hidden list", HEAD + "grid:\n  - hidden: []\n", 3, "grid[0].hidden", "empty list"),
                bad("hidden width zero", HEAD + "grid:\n  - hidden: [128, 0]\n", 3, "grid[0].hidden[1]", "between 1"),
                bad("unknown layer word", HEAD + "grid:\n  - layers: [relu, softmax]\n", 3, "grid[0].layers[1]",
                        "unknown layer 'softmax'"),
                // a layer's dropout and batch_norm are checked by the trial fields' own checkers
                bad("layer dropout one", HEAD + "grid:\n  - layers:\n      - {dense: 8, dropout: 1.0}\n", 4,
                        "grid[0].layers[0].dropout", "must be in [0, 1), got 1.0"),
                bad("layer batch_norm as number", HEAD + "grid:\n  - layers:\n      - {conv: 8, batch_norm: 1}\n", 4,
                        "grid[0].layers[0].batch_norm", "expected true or false"),
                bad("unknown conv key", HEAD + "grid:\n  - layers:\n      - {conv: 8, stride: 2}\n", 4,
                        "grid[0].layers[0].stride", "unknown key"),
                bad("conv after flatten", HEAD + "grid:\n  - layers:\n      - flatten\n      - {conv: 8}\n", 4,
                        "grid[0].layers", "layer 2 (conv 8 k3 p0) needs image maps"),
                bad("kernel larger than the map", HEAD + "grid:\n  - layers:\n      - {conv: 8, pool: 4}\n      - {conv: 8, pool: 4}\n      - {conv: 8, kernel: 3}\n",
                        4, "grid[0].layers", "layer 7 (conv 8 k3 p0) needs a map of at least 3x3, gets 1x1"),
                bad("arch contradicting the preset", HEAD + "grid:\n  - preset: lenet5\n    arch: fcn\n", 4, "grid[0].arch",
                        "makes a cnn, not a fcn"),
                bad("unknown schedule", HEAD + "defaults:\n  lr_schedule: exponential\n" + GRID, 3,
                        "defaults.lr_schedule", "expected none | step | cosine | plateau"),
                bad("negative augmentation", HEAD + "defaults:\n  augment_flip: 1.5\n" + GRID, 3,
                        "defaults.augment_flip", "must be in [0, 1]"),
                bad("sizes over 60000", HEAD + "data:\n  train_size: 55000\n  val_size: 10000\n" + GRID, 3, "data",
                        "at most the 60000"),
                bad("no training image left", HEAD + "data:\n  val_size: 60000\n" + GRID, 3, "data.val_size",
                        "leaves 0 training image(s), fewer than one batch of 64"),
                bad("one training image left", HEAD + "data:\n  val_size: 59999\n" + GRID, 3, "data.val_size",
                        "leaves 1 training image(s)"),
                bad("train_size of one", HEAD + "data:\n  train_size: 1\n" + GRID, 3, "data.train_size",
                        "fewer than one batch of 64"),
                bad("fewer training images than the largest batch", HEAD + "data:\n  val_size: 59900\n"
                        + "grid:\n  - arch: fcn\n    budget: 50000\n    batch_size: [64, 128]\n", 3, "data.val_size",
                        "leaves 100 training image(s), fewer than one batch of 128"),
                bad("sized convolution wider than the cap", HEAD + "grid:\n  - arch: cnn\n    conv_blocks: 1\n"
                        + "    budget: 100000000\n", 5, "grid[0].budget",
                        "needs a layer 4545454 wide with a depth-1 cnn (1-4545454-gap-10), above the limit of 65536"),
                bad("sized dense layer wider than the cap", HEAD + "grid:\n  - arch: fcn\n    hidden_layers: 1\n"
                        + "    budget: 100000000\n", 5, "grid[0].budget", "above the limit of 65536; use more hidden_layers"),
                bad("one fold", HEAD + "defaults:\n  folds: 1\n" + GRID, 3, "defaults.folds", "at least 2"),
                bad("val_size with val_fraction", HEAD + "data:\n  val_size: 100\n  val_fraction: 0.1\n" + GRID, 3,
                        "data.val_size", "not both"),
                bad("per-trial mean without fixed", HEAD + "grid:\n  - arch: fcn\n    budget: 50000\n    mean: 0.5\n", 5,
                        "grid[0].mean", "only used with 'normalize: fixed'"),
                bad("impossible single-stage resnet", HEAD + "grid:\n  - arch: resnet\n    conv_blocks: 1\n    budget: 10000\n", 5,
                        "grid[0].budget", "use conv_blocks ≥ 2"),
                bad("impossible budget", HEAD + "grid:\n  - arch: fcn\n    hidden_layers: 1\n    budget: 11000\n", 5,
                        "grid[0].budget", "cannot reach 95% of budget 11000"));
    }

    /** Messages that once said too much or too little: what must be in them, and what must not. */
    static Stream<Arguments> messages() {
        String longName = "a".repeat(200);
        String hugeValue = "x".repeat(900_000);
        return Stream.of(
                message("alias names its anchor", HEAD + "defaults:\n  lr: &fast 0.1\n  dropout: *fast\n" + GRID,
                        "bad.yaml:4:12: YAML aliases (*fast) are not supported", "null"),
                message("null budget", HEAD + "grid:\n  - arch: fcn\n    budget: ~\n",
                        "bad.yaml:4:13: grid[0].budget: expected a whole number, got null (no value)", "null null"),
                message("200-letter name", "name: " + longName + "\n" + GRID,
                        "bad.yaml:1:7: name: at most 100 characters (it names the results directory), got 200", "letters"),
                message("complex key", HEAD + "? [a, b]\n: 1\n" + GRID,
                        "bad.yaml:2:4: malformed YAML: a key must be plain text, not a list or a map", "Event"),
                message("900 KB bad value", HEAD + "defaults:\n  lr: " + hugeValue + "\n" + GRID,
                        "bad.yaml:3:7: defaults.lr: expected a number, got text 'xxxxx", "x".repeat(61)),
                message("900 KB unknown layer", HEAD + "grid:\n  - layers: [" + hugeValue + "]\n",
                        "unknown layer 'xxxxx", "x".repeat(61)),
                message("tab names the tab's line", HEAD + "grid:\n  - arch: fcn\n\tbudget: 50000\n",
                        "bad.yaml:4:1: malformed YAML: a tab character; YAML indents with spaces only", "scanning"));
    }

    private static Arguments message(String name, String yaml, String expected, String forbidden) {
        return Arguments.of(name, yaml, expected, forbidden);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("messages")
    void saysWhatIsWrongInFewWords(String name, String yaml, String expected, String forbidden) {
        UserError error = assertThrows(UserError.class,
                () -> Planner.plan(SpecParser.parse(Path.of("bad.yaml"), YamlReader.parse("bad.yaml", yaml)),
                        PlanOverrides.NONE));
        String message = error.getMessage();
        assertTrue(message.contains(expected), () -> "'" + expected + "' in: " + message);
        assertFalse(message.contains(forbidden), () -> "no '" + forbidden + "' in: " + message);
        assertTrue(message.length() < 300, () -> "short: " + message.length() + " characters");
    }

    /** Files that are not experiment files at all: named with the reason, read only up to the bound. */
    static Stream<Arguments> badFileKinds() {
        return Stream.of(
                Arguments.of("not UTF-8", (FileMaker) dir -> {
                    Path f = dir.resolve("latin1.yaml");
                    Files.write(f, "name: t\ndescription: caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1));
                    return f;
                }, ":2:17: not UTF-8 text (byte 0xE9)"),
                Arguments.of("endless device", (FileMaker) dir -> Path.of("/dev/zero"), "larger than 4000000 bytes"),
                Arguments.of("FIFO without a writer", (FileMaker) dir -> {
                    Path f = dir.resolve("fifo.yaml");
                    Process p = new ProcessBuilder("mkfifo", f.toString()).start();
                    assertEquals(0, p.waitFor(), "mkfifo");
                    return f;
                }, "nothing could be read from it within 1 s"),
                Arguments.of("directory", (FileMaker) dir -> dir, "is a directory"),
                Arguments.of("missing", (FileMaker) dir -> dir.resolve("none.yaml"), "experiment file not found"));
    }

    interface FileMaker {
        Path make(Path dir) throws Exception;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badFileKinds")
    void readsAnyKindOfFileWithABound(String name, FileMaker maker, String expected, @TempDir Path dir)
            throws Exception {
        Path file = maker.make(dir);
        long start = System.nanoTime();
        UserError error = assertThrows(UserError.class, () -> YamlReader.read(file, 1));
        assertTrue(error.getMessage().startsWith(file.toString()), error::getMessage);
        assertTrue(error.getMessage().contains(expected), error::getMessage);
        assertTrue(System.nanoTime() - start < 5_000_000_000L, "within seconds");
    }

    private static Arguments bad(String name, String yaml, int line, String path, String problem) {
        return Arguments.of(name, yaml, line, path, problem);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badFiles")
    void rejectsWithFileLineFieldAndProblem(String name, String yaml, int line, String path, String problem) {
        UserError error = assertThrows(UserError.class,
                () -> Planner.plan(SpecParser.parse(Path.of("bad.yaml"), YamlReader.parse("bad.yaml", yaml)),
                        PlanOverrides.NONE));
        String message = error.getMessage();
        assertTrue(message.startsWith("bad.yaml:" + line + ":"), () -> "location in: " + message);
        String afterLocation = message.replaceFirst("^bad\\.yaml:\\d+:\\d+: ", "");
        if (!path.isEmpty()) {
            assertTrue(afterLocation.startsWith(path + ": "), () -> "field path '" + path + "' in: " + message);
        }
        assertTrue(message.contains(problem), () -> "'" + problem + "' in: " + message);
        assertEquals(1, message.lines().count(), "one line");
        assertEquals(0, error.getStackTrace().length, "no stack trace is captured for user errors");
    }

    @ParameterizedTest(name = "column of {0}")
    @MethodSource("columns")
    void pointsAtTheColumnOfTheValue(String name, String yaml, String location) {
        UserError error = assertThrows(UserError.class,
                () -> SpecParser.parse(Path.of("f.yaml"), YamlReader.parse("f.yaml", yaml)));
        assertTrue(error.getMessage().startsWith(location), error::getMessage);
    }

    static Stream<Arguments> columns() {
        return Stream.of(
                Arguments.of("scalar value", HEAD + "defaults:\n  lr: fast\n" + GRID, "f.yaml:3:7: defaults.lr"),
                Arguments.of("list item", HEAD + "defaults:\n  lr: [0.1, 0]\n" + GRID, "f.yaml:3:13: defaults.lr[1]"),
                Arguments.of("key", HEAD + "defaults:\n  lrr: 1\n" + GRID, "f.yaml:3:3: defaults.lrr"));
    }
}
