package dev.sweeprunner.cli;

import dev.sweeprunner.data.DatasetLocator;
import dev.sweeprunner.data.Downloader;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Where to look for Fashion-MNIST and where to download it from (shared by sweep and data). */
final class DataOptions {
    @Option(names = "--data-dir", description = "directory with the four Fashion-MNIST IDX files")
    Path dataDir;

    // no ${...} here: picocli would read it as a variable and print "null"
    @Option(names = "--base-url", description = "download base URL (default: the environment variable "
            + "FASHION_MNIST_URL, else the canonical mirror)")
    String baseUrl;

    DatasetLocator.Found locate(String specDir) {
        String url = baseUrl != null ? baseUrl
                : System.getenv().getOrDefault(Downloader.ENV_BASE_URL, Downloader.DEFAULT_BASE_URL);
        return DatasetLocator.locate(dataDir, specDir, System.getenv(), new Downloader(url));
    }
}
