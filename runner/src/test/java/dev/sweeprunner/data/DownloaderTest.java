package dev.sweeprunner.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.sweeprunner.TestData;
import dev.sweeprunner.UserError;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The downloader against a real HTTP server on loopback serving the canonical files (or broken ones). */
class DownloaderTest {
    @TempDir
    Path target;

    private HttpServer server;
    private final Map<String, byte[]> served = new HashMap<>();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            byte[] body = served.get(exchange.getRequestURI().getPath().substring(1));
            if (body == null) {
                exchange.sendResponseHeaders(404, -1);
            } else {
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
            exchange.close();
        });
        server.start();
        Path real = TestData.requireRealData();
        for (DatasetFiles file : DatasetFiles.values()) {
            served.put(file.gzName(), Files.readAllBytes(file.find(real).orElseThrow()));
        }
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private Downloader downloader() {
        return new Downloader("http://127.0.0.1:" + server.getAddress().getPort() + "/");
    }

    @Test
    void downloadsAndVerifiesTheFourFiles() throws IOException {
        downloader().downloadAll(target);
        for (DatasetFiles file : DatasetFiles.values()) {
            assertArrayEquals(served.get(file.gzName()), Files.readAllBytes(target.resolve(file.gzName())));
        }
        assertEquals(60_000, FashionMnist.load(target, true).trainCount());
        assertNoPartialFiles();
    }

    @Test
    void corruptedFileIsRejectedAndNothingIsLeftBehind() throws IOException {
        byte[] good = served.get(DatasetFiles.TRAIN_LABELS.gzName());
        byte[] content = IdxFile.decompressed(Path.of("x"), good);
        content[100] ^= 1; // a valid gzip of wrong content
        served.put(DatasetFiles.TRAIN_LABELS.gzName(), TestData.gzip(content));
        UserError e = assertThrows(UserError.class, () -> downloader().downloadAll(target));
        assertTrue(e.getMessage().contains("corrupt"), e.getMessage());
        assertTrue(Files.notExists(target.resolve(DatasetFiles.TRAIN_LABELS.gzName())));
        assertNoPartialFiles();
    }

    @Test
    void truncatedDownloadIsRejected() throws IOException {
        byte[] good = served.get(DatasetFiles.TEST_LABELS.gzName());
        served.put(DatasetFiles.TEST_LABELS.gzName(), java.util.Arrays.copyOf(good, good.length / 2));
        UserError e = assertThrows(UserError.class, () -> downloader().downloadAll(target));
        assertTrue(e.getMessage().contains("truncated gzip"), e.getMessage());
        assertTrue(Files.notExists(target.resolve(DatasetFiles.TEST_LABELS.gzName())));
        assertNoPartialFiles();
    }

    @Test
    void missingFileSaysHowToGetTheData() {
        served.remove(DatasetFiles.TEST_IMAGES.gzName());
        UserError e = assertThrows(UserError.class, () -> downloader().downloadAll(target));
        assertTrue(e.getMessage().contains("HTTP 404"), e.getMessage());
        assertTrue(e.getMessage().contains("apt-get install -y dataset-fashion-mnist"), e.getMessage());
    }

    @Test
    void unreachableServerSaysHowToGetTheData() {
        server.stop(0);
        UserError e = assertThrows(UserError.class, () -> downloader().downloadAll(target));
        assertTrue(e.getMessage().startsWith("cannot download"), e.getMessage());
        assertTrue(e.getMessage().contains(DatasetLocator.ENV_DIR), e.getMessage());
    }

    private void assertNoPartialFiles() throws IOException {
        try (Stream<Path> files = Files.list(target)) {
            assertTrue(files.noneMatch(p -> p.toString().endsWith(".part")));
        }
    }
}
