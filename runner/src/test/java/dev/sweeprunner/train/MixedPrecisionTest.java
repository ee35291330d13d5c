package dev.sweeprunner.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import dev.sweeprunner.TestData;
import dev.sweeprunner.data.FashionMnist;
import dev.sweeprunner.plan.PlanOverrides;
import dev.sweeprunner.plan.Planner;
import dev.sweeprunner.plan.Trial;
import dev.sweeprunner.records.ConfusionMatrix;
import dev.sweeprunner.records.EpochRecord;
import dev.sweeprunner.spec.SpecParser;
import dev.sweeprunner.spec.YamlReader;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code precision: bf16}: autocast engages (the numbers change), weights stay fp32, and training
 * is bit-reproducible, including the networks whose bfloat16 kernels were not ({@link ModelFactory}).
 */
class MixedPrecisionTest {
    private static final FashionMnist DATA = TestData.synthetic(1_300, 200, 7);

    static Stream<Arguments> networks() {
        return Stream.of(
                // 33 output channels fed by 16: NaN or another loss on every run before the fp32 rule
                Arguments.of("odd convolution fed by 16 channels", """
                        layers:
                          - {conv: 16, padding: 1, batch_norm: true, pool: 2}
                          - {conv: 33, padding: 1, batch_norm: true, pool: 2}
                          - global_avg_pool
                        """),
                Arguments.of("even convolutions, odd BatchNorm widths", """
                        layers:
                          - {conv: 33, padding: 1, batch_norm: true, pool: 2}
                          - {conv: 34, padding: 1, batch_norm: true, pool: 2}
                          - global_avg_pool
                        """),
                Arguments.of("dense layers of odd widths", "hidden: [58, 61]\n"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("networks")
    void bf16TrainingIsBitReproducible(String name, String network) {
        Trial trial = trial("bf16", network);
        Run first = train(trial);
        Run second = train(trial);
        assertEquals(first.rows(), second.rows(), name);
        assertArrayEquals(first.parameters(), second.parameters(), name);
        assertTrue(first.rows().stream().allMatch(r -> Double.isFinite(r.get(0))), name);
    }

    @Test
    void bf16ChangesTheNumbersButKeepsFp32Weights() {
        String network = "hidden: [58, 61]\n";
        Run fp32 = train(trial("fp32", network));
        Trial mixed = trial("bf16", network);
        Run bf16 = train(mixed);
        assertNotEquals(fp32.firstLoss(), bf16.firstLoss());
        // the losses agree to bfloat16's precision: the same training, rounded differently
        assertEquals(fp32.firstLoss(), bf16.firstLoss(), 0.05);
        Block block = ModelFactory.build(mixed.network(), mixed.config(), PoolLayout.AS_GIVEN);
        try (NDManager manager = NDManager.newBaseManager(Device.cpu());
                DataInputStream in = new DataInputStream(new ByteArrayInputStream(bf16.parameters()))) {
            block.initialize(manager, DataType.FLOAT32, ModelFactory.INPUT_SHAPE);
            block.loadParameters(manager, in);
            for (Pair<String, Parameter> p : block.getParameters()) {
                assertEquals(DataType.FLOAT32, p.getValue().getArray().getDataType(), p.getKey());
            }
        } catch (IOException | MalformedModelException e) {
            throw new AssertionError("the best weights of a bf16 trial do not load", e);
        }
    }

    @Test
    void anFp32TrialLeavesPrecisionOutOfItsConfig() {
        assertFalse(trial("fp32", "hidden: [8]\n").config().toMap().containsKey("precision"));
        assertEquals("bf16", trial("bf16", "hidden: [8]\n").config().toMap().get("precision"));
    }

    /** The metrics of every epoch (times left out) and the best epoch's parameters. */
    private record Run(List<List<Double>> rows, byte[] parameters) {
        double firstLoss() {
            return rows.get(0).get(0);
        }
    }

    private static Trial trial(String precision, String network) {
        String yaml = "name: mixed\ndefaults: {epochs: 2, batch_size: 64, precision: " + precision + "}\ngrid:\n  - "
                + network.replace("\n", "\n    ").stripTrailing() + "\n";
        return Planner.plan(SpecParser.parse(Path.of("mixed.yaml"), YamlReader.parse("mixed.yaml", yaml)),
                PlanOverrides.NONE).trials().get(0);
    }

    private static Run train(Trial trial) {
        List<List<Double>> rows = new ArrayList<>();
        byte[][] best = new byte[1][];
        try (TrainingData data = TrainingData.create(DATA, TrainingData.Partition.of(trial.config()), Device.cpu())) {
            new TrainingLoop(Device.cpu(), () -> false).train(trial, data, new TrialListener() {
                @Override
                public void onEpochEnd(Trial t, EpochRecord record, ConfusionMatrix confusion) {
                    rows.add(List.of(record.trainLoss(), record.trainAcc(), record.valLoss(), record.valAcc(),
                            record.testLoss(), record.testAcc()));
                }

                @Override
                public void onBestEpoch(Trial t, EpochRecord record, byte[] parameters) {
                    best[0] = parameters;
                }
            });
        }
        return new Run(rows, best[0]);
    }
}
