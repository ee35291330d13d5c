package dev.sweeprunner.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sweeprunner.spec.DataSettings;
import dev.sweeprunner.spec.TrialField;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** One source for every default: a getter of an unset setting gives the field registry's default. */
class TrialConfigTest {
    static Stream<Arguments> getters() {
        return Stream.of(
                Arguments.of("dropout", TrialField.DROPOUT, (Function<TrialConfig, Object>) TrialConfig::dropout),
                Arguments.of("batch_norm", TrialField.BATCH_NORM, (Function<TrialConfig, Object>) TrialConfig::batchNorm),
                Arguments.of("batch_size", TrialField.BATCH_SIZE, (Function<TrialConfig, Object>) c -> (long) c.batchSize()),
                Arguments.of("lr", TrialField.LR, (Function<TrialConfig, Object>) TrialConfig::lr));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("getters")
    void unsetSettingsGiveTheRegistrysDefault(String name, TrialField field, Function<TrialConfig, Object> getter) {
        TrialConfig empty = new TrialConfig(Map.of(), DataSettings.defaults(), null, null);
        assertEquals(field.defaultValue().orElseThrow(), getter.apply(empty));
    }
}
