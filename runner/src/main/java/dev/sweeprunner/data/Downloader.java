package dev.sweeprunner.data;

import dev.sweeprunner.UserError;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;

/**
 * Downloads the four gzip files, checks the SHA-256 of their decompressed bytes and only then
 * moves each into place, so a half-written or wrong file never has a canonical name.
 */
public final class Downloader {
    /** The Fashion-MNIST authors' own mirror. */
    public static final String DEFAULT_BASE_URL = "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/";
    public static final String ENV_BASE_URL = "FASHION_MNIST_URL";
    /** Generous for 26 MB; stops a stalled connection from hanging a sweep forever. */
    private static final Duration REQUEST_TIMEOUT = Duration.ofMinutes(5);
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(15);

    private final String baseUrl;

    public Downloader(String baseUrl) {
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl : baseUrl + "/";
    }

    public String baseUrl() {
        return baseUrl;
    }

    public void downloadAll(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UserError(dir + ": cannot create data directory (" + e.getMessage() + ")");
        }
        HttpClient client = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NORMAL).build();
        for (DatasetFiles file : DatasetFiles.values()) {
            if (file.find(dir).isEmpty()) {
                download(client, file, dir);
            }
        }
    }

    private void download(HttpClient client, DatasetFiles file, Path dir) {
        URI uri = URI.create(baseUrl + file.gzName());
        Path target = dir.resolve(file.gzName());
        Path partial = dir.resolve(file.gzName() + ".part");
        try {
            HttpRequest request = HttpRequest.newBuilder(uri).timeout(REQUEST_TIMEOUT).GET().build();
            HttpResponse<Path> response = client.send(request, HttpResponse.BodyHandlers.ofFile(partial));
            if (response.statusCode() != 200) {
                throw new UserError(uri + ": HTTP " + response.statusCode() + howToGetData());
            }
            byte[] content = IdxFile.decompressed(partial, Files.readAllBytes(partial));
            String actual = FashionMnist.sha256(content);
            if (!actual.equals(file.sha256())) {
                throw new UserError(uri + ": downloaded file is corrupt (SHA-256 of its content " + actual
                        + ", expected " + file.sha256() + "); nothing was kept");
            }
            try (FileChannel channel = FileChannel.open(partial, StandardOpenOption.WRITE)) {
                channel.force(true);
            }
            Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UserError("cannot download " + uri + " (" + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")" + howToGetData());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UserError("download of " + uri + " interrupted");
        } finally {
            try {
                Files.deleteIfExists(partial);
            } catch (IOException ignored) {
                // best effort: a leftover .part file never has a name the loader reads
            }
        }
    }

    private static String howToGetData() {
        return ". Offline? Install the data with 'apt-get install -y dataset-fashion-mnist', or copy the four "
                + "IDX .gz files into ./data/fashion-mnist or a directory named by " + DatasetLocator.ENV_DIR;
    }
}
