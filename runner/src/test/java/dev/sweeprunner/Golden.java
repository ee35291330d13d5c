package dev.sweeprunner;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Golden files under {@code src/test/resources/golden}. After a deliberate format change run
 * {@code mvn test -Dgolden.update=true} and review the diff.
 */
public final class Golden {
    private Golden() {}

    public static void assertMatches(String name, String actual) throws IOException {
        if (Boolean.getBoolean("golden.update")) {
            Path file = Path.of(System.getProperty("runner.repoRoot", ".."))
                    .resolve("runner/src/test/resources/golden").resolve(name);
            Files.writeString(file, actual, StandardCharsets.UTF_8);
            return;
        }
        try (InputStream in = Golden.class.getResourceAsStream("/golden/" + name)) {
            if (in == null) {
                throw new AssertionError("no golden file " + name + " (create it with -Dgolden.update=true)");
            }
            assertEquals(new String(in.readAllBytes(), StandardCharsets.UTF_8), actual, name);
        }
    }

    /** {@code @ExtendWith(Golden.CommaDecimalLocale.class)}: numbers must not turn into "0,5". */
    public static final class CommaDecimalLocale implements BeforeEachCallback, AfterEachCallback {
        private Locale saved;

        @Override
        public void beforeEach(ExtensionContext context) {
            saved = Locale.getDefault();
            Locale.setDefault(Locale.GERMANY);
        }

        @Override
        public void afterEach(ExtensionContext context) {
            Locale.setDefault(saved);
        }
    }
}
