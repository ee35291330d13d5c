package dev.sweeprunner.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sweeprunner.search.Search;
import dev.sweeprunner.spec.ExperimentSpec;
import dev.sweeprunner.spec.SpecParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The committed results keep resuming: every trial listed in results/*&#47;trials.csv is still
 * planned by its experiment file (experiments/NAME.yaml, the copy kept beside the results must be
 * the same file) with the same trial id and config hash, and the same network (parameters and
 * label). A change to what goes into a trial's canonical JSON, or to how a network is sized,
 * fails here.
 */
class ReferenceTrialIdsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static Path repo(String relative) {
        return Path.of(System.getProperty("runner.repoRoot", "..")).resolve(relative);
    }

    @TestFactory
    Stream<DynamicTest> committedTrialsArePlannedWithTheirIds() throws IOException {
        List<Path> dirs;
        try (Stream<Path> list = Files.list(repo("results"))) {
            dirs = list.filter(d -> Files.isRegularFile(d.resolve("trials.csv"))).sorted().toList();
        }
        assertFalse(dirs.isEmpty(), "results/*/trials.csv exist");
        return dirs.stream().map(dir -> DynamicTest.dynamicTest(dir.getFileName().toString(), () -> check(dir)));
    }

    private static void check(Path dir) throws IOException {
        Path experiment = repo("experiments").resolve(dir.getFileName() + ".yaml");
        assertEquals(Files.readString(dir.resolve("experiment.yaml")), Files.readString(experiment),
                dir + "/experiment.yaml is " + experiment);
        ExperimentSpec spec = SpecParser.parse(experiment);
        // a search plans its first configurations; the others were proposed from results, and each
        // record's resolved config must still give its id, hash and network (as a worker rebuilds it)
        Map<String, Trial> planned = Search.plan(spec, PlanOverrides.NONE).trials().stream()
                .collect(Collectors.toMap(Trial::id, Function.identity()));
        if (spec.search().searches()) {
            Set<String> recordedIds = new HashSet<>();
            try (Stream<Path> trialDirs = Files.list(dir.resolve("trials"))) {
                for (Path trialDir : trialDirs.toList()) {
                    JsonNode record = JSON.readTree(trialDir.resolve("trial.json").toFile());
                    Trial rebuilt = Planner.trial(record.get("plan_index").asInt(),
                            CanonicalJson.decode(JSON.writeValueAsString(record.get("config"))));
                    recordedIds.add(rebuilt.id());
                    planned.putIfAbsent(rebuilt.id(), rebuilt);
                }
            }
            assertTrue(recordedIds.containsAll(planned.keySet()), dir + ": the search's first configurations were run");
        }
        List<String> ids = new ArrayList<>();
        try (CSVParser csv = CSVParser.parse(dir.resolve("trials.csv"), java.nio.charset.StandardCharsets.UTF_8,
                CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).build())) {
            for (CSVRecord row : csv) {
                ids.add(row.get("trial_id"));
            }
        }
        assertFalse(ids.isEmpty(), dir + "/trials.csv lists trials");
        for (String id : ids) {
            Trial trial = planned.get(id);
            assertTrue(trial != null, id + " of " + dir + " is no longer planned; planned: " + planned.keySet());
            JsonNode recorded = JSON.readTree(dir.resolve("trials").resolve(id).resolve("trial.json").toFile());
            assertEquals(recorded.get("config_hash").asText(), trial.configHash(), id + " config hash");
            assertEquals(recorded.get("config"), JSON.readTree(trial.config().canonicalJson()), id + " canonical config");
            assertEquals(recorded.get("params").asLong(), trial.params(), id + " params");
            assertEquals(recorded.get("network").asText(), trial.network().describe(), id + " network");
        }
    }
}
