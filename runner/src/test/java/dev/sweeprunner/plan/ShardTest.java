package dev.sweeprunner.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sweeprunner.UserError;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** --shard: explicit and from Slurm / Kubernetes variables; the shards partition the plan. */
class ShardTest {
    static Stream<Arguments> parses() {
        return Stream.of(
                Arguments.of("explicit", "2/4", null, Map.of(), new Shard(2, 4)),
                Arguments.of("whole plan", "1/1", null, Map.of(), Shard.ALL),
                Arguments.of("slurm array 1-4", "auto", null,
                        Map.of("SLURM_ARRAY_TASK_ID", "3", "SLURM_ARRAY_TASK_MIN", "1", "SLURM_ARRAY_TASK_COUNT", "4"),
                        new Shard(3, 4)),
                Arguments.of("slurm array 0-3", "auto", null,
                        Map.of("SLURM_ARRAY_TASK_ID", "0", "SLURM_ARRAY_TASK_MIN", "0", "SLURM_ARRAY_TASK_COUNT", "4"),
                        new Shard(1, 4)),
                Arguments.of("k8s index from env count", "auto", null,
                        Map.of("JOB_COMPLETION_INDEX", "3", Shard.COUNT_VARIABLE, "4"), new Shard(4, 4)),
                Arguments.of("k8s index, count from flag", "auto", 5, Map.of("JOB_COMPLETION_INDEX", "0"),
                        new Shard(1, 5)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("parses")
    void parse(String name, String text, Integer count, Map<String, String> env, Shard expected) {
        assertEquals(expected, Shard.parse(text, count, env));
    }

    static Stream<Arguments> rejects() {
        return Stream.of(
                Arguments.of("zero index", "0/4", Map.of()),
                Arguments.of("index above count", "5/4", Map.of()),
                Arguments.of("not a fraction", "half", Map.of()),
                Arguments.of("auto without a scheduler", "auto", Map.of()),
                Arguments.of("k8s without a count", "auto", Map.of("JOB_COMPLETION_INDEX", "1")),
                Arguments.of("garbage variable", "auto", Map.of("SLURM_ARRAY_TASK_ID", "x")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rejects")
    void userErrors(String name, String text, Map<String, String> env) {
        assertThrows(UserError.class, () -> Shard.parse(text, null, env));
    }

    @Test
    void shardsPartitionThePlanAndStayBalanced() {
        List<Trial> trials = IntStream.range(0, 23).mapToObj(i -> new Trial(i, "t" + i, "h" + i, null, null)).toList();
        for (int count = 1; count <= 6; count++) {
            Set<String> seen = new HashSet<>();
            for (int index = 1; index <= count; index++) {
                List<Trial> mine = new Shard(index, count).of(trials);
                assertTrue(Math.abs(mine.size() - 23.0 / count) < 1, "balanced: " + mine.size());
                mine.forEach(t -> assertTrue(seen.add(t.id()), t.id() + " in two shards"));
            }
            assertEquals(23, seen.size(), "every trial in some shard");
        }
    }
}
