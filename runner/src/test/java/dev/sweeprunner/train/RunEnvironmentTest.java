package dev.sweeprunner.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RunEnvironmentTest {
    static final String COMMIT = "0123456789abcdef0123456789abcdef01234567";

    static Stream<Arguments> recordedIdentities() {
        return Stream.of(
                Arguments.of("a clean image build", Map.of(RunEnvironment.COMMIT_VARIABLE, COMMIT,
                        RunEnvironment.DIRTY_VARIABLE, "false"), false),
                Arguments.of("an image built from a modified tree", Map.of(RunEnvironment.COMMIT_VARIABLE, COMMIT,
                        RunEnvironment.DIRTY_VARIABLE, "true"), true),
                Arguments.of("a commit without its dirty flag", Map.of(RunEnvironment.COMMIT_VARIABLE, COMMIT + "\n"),
                        false));
    }

    /** The image has no git: the commit `make docker-build` recorded is the code's identity. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("recordedIdentities")
    void theImagesRecordedCommitIsUsed(String name, Map<String, String> env, boolean dirty) {
        assertEquals(new RunEnvironment.CodeIdentity(COMMIT, dirty), RunEnvironment.codeIdentity(env));
    }

    /** Without a record (or with an empty one, as a build without the argument leaves), git answers. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("unrecorded")
    void withoutARecordGitAnswers(String name, Map<String, String> env) {
        assertEquals(RunEnvironment.git("rev-parse", "HEAD"), RunEnvironment.codeIdentity(env).commit());
    }

    static Stream<Arguments> unrecorded() {
        return Stream.of(Arguments.of("no variable", Map.of()),
                Arguments.of("an empty build argument", Map.of(RunEnvironment.COMMIT_VARIABLE, "")));
    }
}
