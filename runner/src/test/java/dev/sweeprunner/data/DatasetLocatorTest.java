package dev.sweeprunner.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sweeprunner.TestData;
import dev.sweeprunner.UserError;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetLocatorTest {
    @TempDir
    Path root;

    /** Port 9 (discard) on loopback: any download attempt fails at once and fails the test. */
    private static final Downloader NO_DOWNLOAD = new Downloader("http://127.0.0.1:9/");

    @Test
    void followsTheDocumentedOrder() throws IOException {
        Path cli = root.resolve("cli");
        Path spec = root.resolve("spec");
        Path env = root.resolve("env");
        for (Path dir : new Path[] {cli, spec, env}) {
            TestData.writeDataset(dir, TestData.synthetic(10, 10, 1));
        }
        Map<String, String> environment = Map.of(DatasetLocator.ENV_DIR, env.toString());
        assertEquals(cli, DatasetLocator.locate(cli, spec.toString(), environment, NO_DOWNLOAD).dir());
        assertEquals(spec, DatasetLocator.locate(null, spec.toString(), environment, NO_DOWNLOAD).dir());
        assertEquals(env, DatasetLocator.locate(null, null, environment, NO_DOWNLOAD).dir());
    }

    @Test
    void anExplicitDirectoryWithoutDataIsAnError() {
        Path empty = root.resolve("empty");
        UserError e = assertThrows(UserError.class, () -> DatasetLocator.locate(empty, null, Map.of(), NO_DOWNLOAD));
        assertTrue(e.getMessage().contains("from --data-dir"), e.getMessage());
    }

    @Test
    void fallsBackToTheDebianPackage() {
        TestData.requireRealData();
        DatasetLocator.Found found = DatasetLocator.locate(null, null, Map.of(), NO_DOWNLOAD);
        // ./data/fashion-mnist is absent in a clean checkout, so the system copy is found
        assertTrue(found.dir().equals(DatasetLocator.SYSTEM_DIR) || found.dir().equals(DatasetLocator.LOCAL_DIR));
    }
}
