package dev.sweeprunner.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sweeprunner.records.TrialStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The damaged-record corpus: the committed table-1 results, with one file of one trial damaged
 * per case. `report` names the file and the problem in one line and drops no trial silently; the
 * sweep's step before a rerun moves the trial's files aside, overwriting nothing.
 */
class DamagedRecordsTest {
    private static final int TRIALS = 7;

    @FunctionalInterface
    interface Damage {
        void apply(Path trialDir) throws IOException;
    }

    static Stream<Arguments> corpus() {
        return Stream.of(
                damaged("trial.json truncated", TrialStore.TRIAL_JSON, "not valid JSON", false,
                        d -> truncate(d.resolve(TrialStore.TRIAL_JSON), 100)),
                damaged("trial.json garbage", TrialStore.TRIAL_JSON, "not valid JSON", false,
                        d -> Files.write(d.resolve(TrialStore.TRIAL_JSON), new byte[] {(byte) 0xff, 0x00, 0x13, 'x'})),
                damaged("trial.json empty", TrialStore.TRIAL_JSON, "empty", false,
                        d -> Files.writeString(d.resolve(TrialStore.TRIAL_JSON), "")),
                damaged("trial.json an empty list", TrialStore.TRIAL_JSON, "a JSON array, not a trial record", false,
                        d -> Files.writeString(d.resolve(TrialStore.TRIAL_JSON), "[]")),
                damaged("trial.json null", TrialStore.TRIAL_JSON, "a JSON null, not a trial record", false,
                        d -> Files.writeString(d.resolve(TrialStore.TRIAL_JSON), "null\n")),
                damaged("trial.json of wrong types", TrialStore.TRIAL_JSON, "not a trial record (Cannot deserialize", false,
                        d -> replace(d.resolve(TrialStore.TRIAL_JSON), "\"params\" : ", "\"params\" : \"many\", \"x\" : ")),
                damaged("trial.json without a status", TrialStore.TRIAL_JSON, "no status", false,
                        d -> replace(d.resolve(TrialStore.TRIAL_JSON), "\"status\" :", "\"state\" :")),
                damaged("trial.json of another trial", TrialStore.TRIAL_JSON, "belongs to another trial (trial_id 0", false,
                        d -> replace(d.resolve(TrialStore.TRIAL_JSON), "\"trial_id\" : \"", "\"trial_id\" : \"0")),
                damaged("epochs.csv with epoch 1 appended again", TrialStore.EPOCHS_CSV, "row 21 is epoch 1, expected 21",
                        true, d -> {
                            List<String> lines = Files.readAllLines(d.resolve(TrialStore.EPOCHS_CSV));
                            Files.writeString(d.resolve(TrialStore.EPOCHS_CSV), lines.get(1) + "\n",
                                    java.nio.file.StandardOpenOption.APPEND);
                        }),
                damaged("epochs.csv out of order", TrialStore.EPOCHS_CSV, "row 2 is epoch 3", true, d -> {
                    List<String> lines = new ArrayList<>(Files.readAllLines(d.resolve(TrialStore.EPOCHS_CSV)));
                    lines.add(2, lines.remove(3));
                    Files.write(d.resolve(TrialStore.EPOCHS_CSV), lines);
                }),
                damaged("epochs.csv deleted from a completed trial", TrialStore.EPOCHS_CSV,
                        "missing; trial.json says completed after 20 epoch(s)", true,
                        d -> Files.delete(d.resolve(TrialStore.EPOCHS_CSV))),
                damaged("epochs.csv cut short", TrialStore.EPOCHS_CSV, "5 row(s); trial.json says completed after 20",
                        true, d -> {
                            List<String> lines = Files.readAllLines(d.resolve(TrialStore.EPOCHS_CSV));
                            Files.write(d.resolve(TrialStore.EPOCHS_CSV), lines.subList(0, 6));
                        }),
                damaged("epochs.csv with an unterminated quote", TrialStore.EPOCHS_CSV, "not a readable epoch table",
                        true, d -> Files.writeString(d.resolve(TrialStore.EPOCHS_CSV), "\"abc,1\n",
                                java.nio.file.StandardOpenOption.APPEND)),
                damaged("confusion.csv garbage", TrialStore.CONFUSION_CSV, "not a readable confusion matrix", true,
                        d -> Files.writeString(d.resolve(TrialStore.CONFUSION_CSV), "at,epoch\nbest,x\n")),
                damaged("experiment.yaml copy damaged", "../../experiment.yaml", ":1:1: the file is empty", true,
                        d -> Files.writeString(d.resolve("../../experiment.yaml"), "")),
                damaged("epochs.csv without its trial.json", TrialStore.TRIAL_JSON, "missing, but epochs.csv is there",
                        false, d -> Files.delete(d.resolve(TrialStore.TRIAL_JSON))));
    }

    private static Arguments damaged(String name, String file, String problem, boolean inTables, Damage damage) {
        return Arguments.of(name, file, problem, inTables, damage);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void reportNamesTheDamageAndTheSweepMovesItAside(String name, String file, String problem, boolean inTables,
            Damage damage, @TempDir Path dir) throws IOException {
        Path results = copyOfTable1(dir);
        TrialStore store = new TrialStore(results);
        String victim = store.readAll().get(0).trialId();
        Path damagedFile = store.trialDir(victim).resolve(file).normalize();
        damage.apply(store.trialDir(victim));

        CliTest.Result r = CliTest.run("report", results.toString(), "--format", "csv");
        assertEquals(0, r.code(), r.err());
        assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
        List<String> named = r.err().lines().filter(l -> l.contains("damaged record")).toList();
        assertEquals(1, named.size(), r.err());
        assertTrue(named.get(0).contains(damagedFile + (problem.startsWith(":") ? "" : ": ") + problem), named.get(0));
        int shown = inTables ? TRIALS : TRIALS - 1;
        assertTrue(r.err().contains("(" + shown + " trials, "), r.err());
        if (!file.endsWith("experiment.yaml")) { // a copy of the input, not a record: only named
            assertTrue(r.err().contains("1 damaged file(s), named above"), r.err());
            assertTrue(Files.readString(results.resolve("report.md")).contains("## Damaged records"));
        }

        if (file.endsWith("experiment.yaml")) {
            assertTrue(r.err().contains("the report is titled 'table1' from the trial records"), r.err());
            return;
        }
        if (file.equals(TrialStore.CONFUSION_CSV)) {
            // the matrices are left out of the report; the trial's own numbers are sound, so it is not run again
            assertTrue(store.moveAsideIfDamaged(victim).isEmpty());
            return;
        }
        byte[] before = Files.exists(damagedFile) ? Files.readAllBytes(damagedFile) : null;
        String line = store.moveAsideIfDamaged(victim).orElseThrow();
        assertTrue(line.contains(problem) && line.contains("moved aside: "), line);
        assertTrue(store.damage(victim).isEmpty(), "nothing damaged is left in place");
        assertFalse(Files.exists(store.trialDir(victim).resolve(TrialStore.EPOCHS_CSV)), "a rerun overwrites nothing");
        if (before != null) {
            try (Stream<Path> files = Files.list(store.trialDir(victim))) {
                Path kept = files.filter(f -> f.getFileName().toString().startsWith(file + TrialStore.DAMAGED_SUFFIX))
                        .findFirst().orElseThrow();
                assertArrayEquals(before, Files.readAllBytes(kept), "moved, not changed");
            }
        }
    }

    private static Path copyOfTable1(Path dir) throws IOException {
        Path source = CliTest.repoFile("results/reference/table1");
        Path target = dir.resolve("table1");
        Files.createDirectories(target);
        Files.copy(source.resolve("experiment.yaml"), target.resolve("experiment.yaml"));
        try (Stream<Path> all = Files.walk(source.resolve(TrialStore.TRIALS_DIR))) {
            for (Path p : all.toList()) {
                Path copy = target.resolve(source.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(copy);
                } else {
                    Files.copy(p, copy);
                }
            }
        }
        assertEquals(TRIALS, new TrialStore(target).readAll().size(), "the corpus starts sound");
        return target;
    }

    private static void truncate(Path file, int bytes) throws IOException {
        byte[] all = Files.readAllBytes(file);
        Files.write(file, java.util.Arrays.copyOf(all, bytes));
    }

    private static void replace(Path file, String from, String to) throws IOException {
        String text = Files.readString(file);
        assertTrue(text.contains(from), from);
        Files.writeString(file, text.replaceFirst(java.util.regex.Pattern.quote(from),
                java.util.regex.Matcher.quoteReplacement(to)));
    }
}
