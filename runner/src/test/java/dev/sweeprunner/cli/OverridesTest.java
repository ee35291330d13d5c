package dev.sweeprunner.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code key=value} arguments: the plan is the one the file would give had it said the same. */
class OverridesTest {
    private static final String BASE = "name: x\ndefaults:\n  lr: 0.001\n  epochs: 20\ngrid:\n"
            + "  - {arch: fcn, budget: [50000, 100000]}\n  - {arch: cnn, budget: 10000}\n";

    @TempDir
    Path dir;

    static Stream<Arguments> valid() {
        return Stream.of(
                Arguments.of("a value replaces a default", List.of("epochs=5"),
                        BASE.replace("epochs: 20", "epochs: 5")),
                Arguments.of("a comma list is an axis", List.of("lr=1e-3,1e-4"),
                        BASE.replace("lr: 0.001", "lr: [0.001, 0.0001]")),
                Arguments.of("brackets say the same", List.of("lr=[1e-3, 1e-4]"),
                        BASE.replace("lr: 0.001", "lr: [0.001, 0.0001]")),
                Arguments.of("two overrides, a new key among them", List.of("epochs=2", "seed=1,2"),
                        BASE.replace("epochs: 20", "epochs: 2\n  seed: [1, 2]")),
                Arguments.of("a key the blocks set is set in every block", List.of("budget=20000"),
                        BASE.replace("[50000, 100000]", "20000").replace("budget: 10000", "budget: 20000")),
                Arguments.of("flags still apply with overrides", List.of("--epochs", "3", "lr=0.01"),
                        BASE.replace("epochs: 20", "epochs: 3").replace("lr: 0.001", "lr: 0.01")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("valid")
    void overridesPlanAsIfTheFileSaidIt(String name, List<String> args, String sameAsYaml) throws Exception {
        Path base = dir.resolve("base.yaml");
        Files.writeString(base, BASE);
        Path edited = dir.resolve("edited.yaml");
        Files.writeString(edited, sameAsYaml);
        List<String> command = new ArrayList<>(List.of("plan", base.toString(), "--json"));
        command.addAll(args);
        assertEquals(plan("plan", edited.toString(), "--json"), plan(command.toArray(String[]::new)));
    }

    static Stream<Arguments> invalid() {
        return Stream.of(
                Arguments.of("out of range", List.of("lr=50"), "<command line>:arg 2: lr: must be in (0, 10], got 50"),
                Arguments.of("second item of a list", List.of("epochs=2", "lr=1e-3,50"),
                        "<command line>:arg 3: lr[1]: must be in (0, 10], got 50"),
                Arguments.of("counted after options too", List.of("--epochs", "2", "lr=0"),
                        "<command line>:arg 4: lr: must be in (0, 10], got 0"),
                Arguments.of("wrong type", List.of("seed=1.5"),
                        "<command line>:arg 2: seed: expected a whole number, got a number 1.5"),
                Arguments.of("text for a number", List.of("lr=fast"),
                        "<command line>:arg 2: lr: expected a number, got text 'fast'"),
                Arguments.of("unknown choice", List.of("optimizer=adamx"),
                        "<command line>:arg 2: optimizer: unknown value 'adamx' (expected sgd | adam | adamw | rmsprop)"),
                Arguments.of("no '='", List.of("lr"),
                        "<command line>:arg 2: expected key=value (e.g. epochs=5 or lr=1e-3,1e-4), got 'lr'"),
                Arguments.of("no key", List.of("=5"),
                        "<command line>:arg 2: expected key=value (e.g. epochs=5 or lr=1e-3,1e-4), got '=5'"),
                Arguments.of("no value", List.of("lr="), "<command line>:arg 2: lr: no value after '='"),
                Arguments.of("a key twice", List.of("lr=0.1", "lr=0.2"), "<command line>:arg 3: lr: given twice "
                        + "(first at <command line>:arg 2); list the values in one argument, e.g. lr=a,b"),
                Arguments.of("an empty list", List.of("lr=[]"), "<command line>:arg 2: lr: empty list: give at "
                        + "least one value"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalid")
    void badOverridesAreOneLineUserErrors(String name, List<String> args, String message) throws Exception {
        Path base = dir.resolve("base.yaml");
        Files.writeString(base, BASE);
        for (String command : List.of("plan", "sweep")) {
            List<String> line = new ArrayList<>(List.of(command, base.toString()));
            line.addAll(args);
            CliTest.Result r = CliTest.run(line.toArray(String[]::new));
            assertEquals(2, r.code(), command + ": " + r.err());
            assertEquals("error: " + message, r.err().strip(), command);
            assertFalse(r.out().contains("trial"), "nothing planned or run");
        }
    }

    @Test
    void anUnknownKeyIsNamedAsInTheFile() throws Exception {
        Path base = dir.resolve("base.yaml");
        Files.writeString(base, BASE);
        Path file = dir.resolve("unknown.yaml");
        Files.writeString(file, BASE.replace("  epochs: 20\n", "  epochs: 20\n  foo: 1\n"));
        String fromFile = CliTest.run("plan", file.toString()).err().strip();
        String fromArg = CliTest.run("plan", base.toString(), "foo=1").err().strip();
        assertEquals(fromFile.replace(file + ":5:3: defaults.foo:", "<command line>:arg 2: foo:"), fromArg);
    }

    /** The trials of {@code plan --json}, each as its JSON. */
    private static List<JsonNode> plan(String... args) throws Exception {
        CliTest.Result r = CliTest.run(args);
        assertEquals(0, r.code(), r.err());
        List<JsonNode> trials = new ArrayList<>();
        new ObjectMapper().readTree(r.out()).forEach(trials::add);
        trials.sort(java.util.Comparator.comparing(t -> t.get("trial_id").asText()));
        return trials;
    }
}
