package dev.sweeprunner.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** The four canonical Fashion-MNIST files and the SHA-256 of their decompressed bytes. */
public enum DatasetFiles {
    TRAIN_IMAGES("train-images-idx3-ubyte", "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888"),
    TRAIN_LABELS("train-labels-idx1-ubyte", "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9"),
    TEST_IMAGES("t10k-images-idx3-ubyte", "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b"),
    TEST_LABELS("t10k-labels-idx1-ubyte", "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34");

    private final String baseName;
    private final String sha256;

    DatasetFiles(String baseName, String sha256) {
        this.baseName = baseName;
        this.sha256 = sha256;
    }

    public String baseName() {
        return baseName;
    }

    public String gzName() {
        return baseName + ".gz";
    }

    /** SHA-256 of the decompressed file (gzip bytes differ between mirrors; content does not). */
    public String sha256() {
        return sha256;
    }

    /** The file in {@code dir}, gzip first, then raw. */
    public Optional<Path> find(Path dir) {
        return List.of(dir.resolve(gzName()), dir.resolve(baseName)).stream().filter(Files::isRegularFile).findFirst();
    }

    public static boolean allPresent(Path dir) {
        for (DatasetFiles file : values()) {
            if (file.find(dir).isEmpty()) {
                return false;
            }
        }
        return true;
    }
}
