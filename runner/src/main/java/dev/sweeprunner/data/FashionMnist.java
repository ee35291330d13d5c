package dev.sweeprunner.data;

import dev.sweeprunner.spec.DatasetShape;
import dev.sweeprunner.UserError;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;

/** Images (row-major bytes, 784 per image) and labels (0-9) of the training and test sets. */
public record FashionMnist(byte[] trainImages, byte[] trainLabels, byte[] testImages, byte[] testLabels) {

    public int trainCount() {
        return trainLabels.length;
    }

    public int testCount() {
        return testLabels.length;
    }

    /**
     * Reads the four files from {@code dir}. With {@code verify}, each file's decompressed bytes must
     * hash to the canonical SHA-256, so every result is known to come from the real data set; the
     * verified bytes are then also kept in (and next time read from) the user's cache directory.
     */
    public static FashionMnist load(Path dir, boolean verify) {
        return verify ? load(dir, DecompressedCache.standard(System.getenv(), System.getProperty("user.home")))
                : load(dir, false, DecompressedCache.NONE);
    }

    /** Verified, with {@code cache} for the decompressed bytes. */
    public static FashionMnist load(Path dir, DecompressedCache cache) {
        return load(dir, true, cache);
    }

    private static FashionMnist load(Path dir, boolean verify, DecompressedCache cache) {
        IdxFile trainImages = read(dir, DatasetFiles.TRAIN_IMAGES, verify, cache);
        IdxFile trainLabels = read(dir, DatasetFiles.TRAIN_LABELS, verify, cache);
        IdxFile testImages = read(dir, DatasetFiles.TEST_IMAGES, verify, cache);
        IdxFile testLabels = read(dir, DatasetFiles.TEST_LABELS, verify, cache);
        checkPair(dir, "train", trainImages, trainLabels);
        checkPair(dir, "t10k", testImages, testLabels);
        return new FashionMnist(trainImages.data(), trainLabels.data(), testImages.data(), testLabels.data());
    }

    private static IdxFile read(Path dir, DatasetFiles which, boolean verify, DecompressedCache cache) {
        Path file = which.find(dir).orElseThrow(() -> new UserError(
                dir.resolve(which.gzName()) + ": file not found (run 'runner data' to fetch the data set)"));
        // a raw file reads as fast as a cached copy: only gzip is worth a copy
        boolean compressed = file.getFileName().toString().endsWith(".gz");
        Optional<byte[]> cached = compressed ? cache.read(file, which.sha256()) : Optional.empty();
        if (cached.isPresent()) {
            return IdxFile.parse(file.toString(), cached.get());
        }
        IdxFile idx = IdxFile.read(file);
        if (verify) {
            String actual = sha256(idx.rawBytes());
            if (!actual.equals(which.sha256())) {
                throw new UserError(file + ": content differs from canonical Fashion-MNIST (SHA-256 "
                        + actual + ", expected " + which.sha256() + ")");
            }
            if (compressed) {
                cache.write(file, which.sha256(), idx.rawBytes());
            }
        }
        return idx;
    }

    private static void checkPair(Path dir, String split, IdxFile images, IdxFile labels) {
        if (images.dims().length != 3 || images.itemSize() != DatasetShape.PIXELS) {
            throw new UserError(dir + ": " + split + " images must be N x 28 x 28");
        }
        if (labels.dims().length != 1) {
            throw new UserError(dir + ": " + split + " labels must be a 1-dimensional IDX file");
        }
        if (images.count() != labels.count()) {
            throw new UserError(String.format("%s: count mismatch: %d %s images but %d labels",
                    dir, images.count(), split, labels.count()));
        }
        for (byte label : labels.data()) {
            if (label < 0 || label >= DatasetShape.CLASSES) {
                throw new UserError(dir + ": " + split + " label " + label + " is outside 0-9");
            }
        }
    }

    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM ships SHA-256", e);
        }
    }
}
