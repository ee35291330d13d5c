package dev.sweeprunner.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sweeprunner.TestData;
import dev.sweeprunner.UserError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class IdxFileTest {
    @TempDir
    Path dir;

    @Test
    void readsRawAndGzipAlike() throws IOException {
        byte[] data = {1, 2, 3, 4, 5, 6};
        byte[] raw = TestData.idx(data, 3, 2);
        Files.write(dir.resolve("raw"), raw);
        Files.write(dir.resolve("packed.gz"), TestData.gzip(raw));
        for (String name : new String[] {"raw", "packed.gz"}) {
            IdxFile idx = IdxFile.read(dir.resolve(name));
            assertArrayEquals(new int[] {3, 2}, idx.dims());
            assertArrayEquals(data, idx.data());
            assertEquals(2, idx.itemSize());
            assertArrayEquals(raw, idx.rawBytes(), "checksums are taken on the decompressed bytes");
        }
    }

    static Stream<Arguments> broken() {
        byte[] good = TestData.idx(new byte[] {1, 2, 3, 4}, 2, 2);
        byte[] wrongMagic = good.clone();
        wrongMagic[2] = 0x0d; // float data type
        return Stream.of(
                Arguments.of("wrong magic", wrongMagic, "not an IDX file"),
                Arguments.of("too short for a header", new byte[] {0, 0}, "truncated"),
                Arguments.of("truncated data", Arrays.copyOf(good, good.length - 1), "truncated: header [2, 2] needs 4"),
                Arguments.of("trailing bytes", Arrays.copyOf(good, good.length + 3), "3 unexpected bytes"),
                Arguments.of("truncated gzip", Arrays.copyOf(TestData.gzip(good), 12), "truncated gzip"),
                Arguments.of("header cut short", Arrays.copyOf(good, 7), "truncated inside the IDX header"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("broken")
    void rejectsBrokenFilesClearly(String name, byte[] bytes, String expected) throws IOException {
        Path file = dir.resolve("f");
        Files.write(file, bytes);
        UserError e = assertThrows(UserError.class, () -> IdxFile.read(file));
        assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    @Test
    void labelAndImageCountsMustAgree() throws IOException {
        var data = TestData.synthetic(20, 10, 1);
        TestData.writeDataset(dir, data);
        Files.write(dir.resolve(DatasetFiles.TEST_LABELS.gzName()),
                TestData.gzip(TestData.idx(Arrays.copyOf(data.testLabels(), 9), 9)));
        UserError e = assertThrows(UserError.class, () -> FashionMnist.load(dir, false));
        assertTrue(e.getMessage().contains("count mismatch: 10 t10k images but 9 labels"), e.getMessage());
    }

    @Test
    void verificationRejectsNonCanonicalContent() throws IOException {
        TestData.writeDataset(dir, TestData.synthetic(20, 10, 1));
        assertEquals(20, FashionMnist.load(dir, false).trainCount());
        UserError e = assertThrows(UserError.class, () -> FashionMnist.load(dir, true));
        assertTrue(e.getMessage().contains("differs from canonical Fashion-MNIST"), e.getMessage());
    }

    @Test
    void realDataSetVerifies() {
        FashionMnist data = FashionMnist.load(TestData.requireRealData(), true);
        assertEquals(60_000, data.trainCount());
        assertEquals(10_000, data.testCount());
    }
}
