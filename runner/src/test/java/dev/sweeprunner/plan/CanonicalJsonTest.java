package dev.sweeprunner.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sweeprunner.search.Search;
import dev.sweeprunner.spec.SpecParser;
import dev.sweeprunner.spec.YamlReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * decode(encode(t)) is t: what a worker JVM rebuilds from the JSON a sweep sends has the trial's
 * id, config hash and network, for every trial of every committed experiment file.
 */
class CanonicalJsonTest {
    /** Paths the committed files may not take: explicit layers with dropout, hidden widths, folds, data overrides. */
    private static final String EXTRA = """
            name: extra
            data: {normalize: fixed, mean: 0.286, std: 0.353, val_size: 5000, train_size: 20000, split_seed: 7}
            defaults: {epochs: 3}
            grid:
              - layers:
                  - {conv: 8, kernel: 5, padding: 2, batch_norm: true, pool: 2, dropout: 0.25}
                  - global_avg_pool
                  - {dense: 16, dropout: 0.5}
                optimizer: sgd
                momentum: 0.9
                lr_schedule: plateau
                early_stopping: 3
              - {hidden: [[64, 32]], folds: 3, normalize: dataset, augment_flip: 0.5, output_init: xavier_uniform}
              - {arch: cnn, budget: 30000, conv_blocks: 2, batch_norm: false, dropout: 0.1, lr_schedule: cosine, lr_min: 1e-6}
            """;

    static Stream<Arguments> plans() throws IOException {
        List<Arguments> cases = new ArrayList<>();
        try (Stream<Path> files = Files.list(Path.of(System.getProperty("runner.repoRoot", "..")).resolve("experiments"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                cases.add(Arguments.of(Named.of(file.getFileName().toString(),
                        Search.plan(SpecParser.parse(file), PlanOverrides.NONE)))); // a search's start-up trials too
            }
        }
        assertFalse(cases.isEmpty(), "the committed experiment files are found");
        cases.add(Arguments.of(Named.of("explicit layers, hidden widths, folds, data settings",
                Planner.plan(SpecParser.parse(Path.of("extra.yaml"), YamlReader.parse("extra.yaml", EXTRA)),
                        PlanOverrides.NONE))));
        cases.add(Arguments.of(Named.of("--epochs and --train-limit",
                Planner.plan(SpecParser.parse(Path.of("extra.yaml"), YamlReader.parse("extra.yaml", EXTRA)),
                        new PlanOverrides(2, 1000)))));
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("plans")
    void everyTrialDecodesToItself(Plan plan) {
        for (Trial trial : plan.trials()) {
            TrialConfig decoded = CanonicalJson.decode(trial.config().canonicalJson());
            assertEquals(trial.config().canonicalJson(), decoded.canonicalJson());
            assertEquals(trial.id(), decoded.trialId());
            assertEquals(trial.configHash(), decoded.configHash());
            assertEquals(trial.config().values(), decoded.values(), "same values, same types");
            Trial rebuilt = Planner.trial(trial.index(), decoded);
            assertEquals(trial.id(), rebuilt.id());
            assertEquals(trial.network(), rebuilt.network(), "the network is rebuilt from the config alone");
            // trial.json keeps the map form: evaluate decodes that
            assertEquals(trial.configHash(), CanonicalJson.decode(trial.config().toMap()).configHash());
        }
    }

    static Stream<Arguments> damaged() {
        return Stream.of(
                Arguments.of(Named.of("not JSON", "{\"arch\": "), "not JSON"),
                Arguments.of(Named.of("unknown key", "{\"arch\":\"fcn\",\"colour\":1}"), "unknown key 'colour'"),
                Arguments.of(Named.of("wrong type", "{\"arch\":\"fcn\",\"epochs\":\"many\"}"), "epochs: expected a whole number"),
                Arguments.of(Named.of("out of range", "{\"arch\":\"fcn\",\"lr\":-1.0}"), "lr: must be in"),
                Arguments.of(Named.of("unknown layer", "{\"arch\":\"cnn\",\"layers\":[\"conv 8 k3\"]}"), "layers: malformed layer"),
                Arguments.of(Named.of("unknown data key", "{\"data\":{\"dir\":\"x\"}}"), "unknown key 'data.dir'"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("damaged")
    void aDamagedConfigIsNamed(String json, String problem) {
        CanonicalJson.Invalid e = assertThrows(CanonicalJson.Invalid.class, () -> CanonicalJson.decode(json));
        assertTrue(e.getMessage().contains(problem), e.getMessage());
    }
}
