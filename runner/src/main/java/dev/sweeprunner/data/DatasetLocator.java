package dev.sweeprunner.data;

import dev.sweeprunner.UserError;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Finds Fashion-MNIST: {@code --data-dir}, the experiment's {@code data.dir}, env
 * {@code FASHION_MNIST_DIR}, {@code ./data/fashion-mnist}, {@code /usr/share/datasets/fashion-mnist}
 * (Debian's dataset-fashion-mnist); otherwise downloads into {@code ./data/fashion-mnist}.
 * A directory the user named explicitly must hold the files: we do not silently look elsewhere.
 */
public final class DatasetLocator {
    public static final String ENV_DIR = "FASHION_MNIST_DIR";
    public static final Path LOCAL_DIR = Path.of("data", "fashion-mnist");
    public static final Path SYSTEM_DIR = Path.of("/usr/share/datasets/fashion-mnist");

    /** Where the data was found and which rule found it, for the log line. */
    public record Found(Path dir, String source) {}

    private record Candidate(Path dir, String source, boolean explicit) {}

    private DatasetLocator() {}

    public static Found locate(Path cliDir, String specDir, Map<String, String> env, Downloader downloader) {
        List<Candidate> candidates = new ArrayList<>();
        if (cliDir != null) {
            candidates.add(new Candidate(cliDir, "--data-dir", true));
        }
        if (specDir != null) {
            candidates.add(new Candidate(Path.of(specDir), "data.dir in the experiment file", true));
        }
        if (env.get(ENV_DIR) != null && !env.get(ENV_DIR).isBlank()) {
            candidates.add(new Candidate(Path.of(env.get(ENV_DIR)), ENV_DIR, true));
        }
        candidates.add(new Candidate(LOCAL_DIR, "local copy", false));
        candidates.add(new Candidate(SYSTEM_DIR, "Debian package dataset-fashion-mnist", false));
        for (Candidate candidate : candidates) {
            if (DatasetFiles.allPresent(candidate.dir())) {
                return new Found(candidate.dir(), candidate.source());
            }
            if (candidate.explicit()) {
                throw new UserError(candidate.dir() + ": no Fashion-MNIST here (from " + candidate.source()
                        + "); expected " + DatasetFiles.TRAIN_IMAGES.gzName() + " and the three other IDX files");
            }
        }
        downloader.downloadAll(LOCAL_DIR);
        return new Found(LOCAL_DIR, "downloaded from " + downloader.baseUrl());
    }
}
