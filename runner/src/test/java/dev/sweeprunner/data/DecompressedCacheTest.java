package dev.sweeprunner.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sweeprunner.TestData;
import dev.sweeprunner.UserError;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class DecompressedCacheTest {
    static final byte[] CONTENT = "decompressed bytes".getBytes(StandardCharsets.UTF_8);
    static final String SHA = FashionMnist.sha256(CONTENT);

    @TempDir
    Path dir;

    Path source;
    DecompressedCache cache;

    @BeforeEach
    void setUp() throws IOException {
        source = Files.write(dir.resolve("train-images-idx3-ubyte.gz"), new byte[] {1, 2, 3});
        cache = DecompressedCache.in(dir.resolve("cache"));
    }

    @Test
    void whatIsWrittenIsReadBack() {
        assertTrue(cache.read(source, SHA).isEmpty(), "nothing cached yet");
        cache.write(source, SHA, CONTENT);
        assertArrayEquals(CONTENT, cache.read(source, SHA).orElseThrow());
    }

    @Test
    void anAlteredCopyIsNotUsedAndNoPartialFileIsLeft() throws IOException {
        cache.write(source, SHA, CONTENT);
        List<Path> copies = copies();
        assertEquals(1, copies.size(), "one copy, no partial file left: " + copies);
        assertTrue(copies.get(0).getFileName().toString().startsWith("train-images-idx3-ubyte-" + SHA.substring(0, 16)));
        Files.write(copies.get(0), "decompressed by".getBytes(StandardCharsets.UTF_8));
        assertTrue(cache.read(source, SHA).isEmpty());
        cache.write(source, SHA, CONTENT); // rewritten whole
        assertArrayEquals(CONTENT, cache.read(source, SHA).orElseThrow());
    }

    @Test
    void aReplacedSourceIsReadAgain() throws IOException {
        cache.write(source, SHA, CONTENT);
        Files.write(source, new byte[] {1, 2, 3, 4});
        assertTrue(cache.read(source, SHA).isEmpty(), "other size");
        Files.write(source, new byte[] {1, 2, 3});
        Files.setLastModifiedTime(source, FileTime.fromMillis(0));
        assertTrue(cache.read(source, SHA).isEmpty(), "other modification time");
        cache.write(source, SHA, CONTENT);
        assertEquals(1, copies().size(), "the replaced source's copy is gone");
        Files.delete(source);
        assertTrue(cache.read(source, SHA).isEmpty(), "no source");
    }

    @Test
    void aDirectoryThatCannotBeWrittenOnlyMeansNoCache() throws IOException {
        Path notADirectory = Files.writeString(dir.resolve("file"), "x");
        DecompressedCache blocked = DecompressedCache.in(notADirectory);
        blocked.write(source, SHA, CONTENT);
        assertTrue(blocked.read(source, SHA).isEmpty());
        DecompressedCache.NONE.write(source, SHA, CONTENT);
        assertTrue(DecompressedCache.NONE.read(source, SHA).isEmpty());
    }

    static Stream<Arguments> locations() {
        return Stream.of(
                Arguments.of("own variable wins", Map.of(DecompressedCache.ENV_DIR, "/c", "XDG_CACHE_HOME", "/x"), "/c"),
                Arguments.of("XDG cache home", Map.of("XDG_CACHE_HOME", "/x"), "/x/sweeprunner"),
                Arguments.of("blank variables ignored", Map.of(DecompressedCache.ENV_DIR, " ", "XDG_CACHE_HOME", ""),
                        "/home/u/.cache/sweeprunner"),
                Arguments.of("home by default", Map.of(), "/home/u/.cache/sweeprunner"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("locations")
    void standardLocation(String name, Map<String, String> env, String expected) {
        assertEquals(Optional.of(Path.of(expected)), DecompressedCache.standard(env, "/home/u").location());
    }

    @Test
    void theRealDataSetIsReadFromItsVerifiedCopiesTheSecondTime() throws IOException {
        Path data = TestData.requireRealData();
        FashionMnist first = FashionMnist.load(data, cache);
        assertEquals(4, copies().size(), "one copy per gzip file");
        FashionMnist second = FashionMnist.load(data, cache);
        assertArrayEquals(first.trainImages(), second.trainImages());
        assertArrayEquals(first.testLabels(), second.testLabels());
    }

    @Test
    void copiesOfTheRealDataDoNotHideOtherFilesUnderTheSameNames() throws IOException {
        FashionMnist.load(TestData.requireRealData(), cache);
        Path other = dir.resolve("other");
        TestData.writeDataset(other, TestData.synthetic(20, 10, 1));
        UserError e = assertThrows(UserError.class, () -> FashionMnist.load(other, cache));
        assertTrue(e.getMessage().contains("differs from canonical Fashion-MNIST"), e.getMessage());
    }

    private List<Path> copies() throws IOException {
        try (Stream<Path> files = Files.list(dir.resolve("cache"))) {
            return files.toList();
        }
    }
}
