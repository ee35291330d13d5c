package dev.sweeprunner;

import dev.sweeprunner.spec.DatasetShape;
import dev.sweeprunner.data.DatasetFiles;
import dev.sweeprunner.data.FashionMnist;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.zip.GZIPOutputStream;

/** Tiny synthetic Fashion-MNIST-shaped data: class k is a bright 7x7 block at one of 10 places, plus noise. */
public final class TestData {
    public static final Path REAL_DATA = Path.of("/usr/share/datasets/fashion-mnist");

    private TestData() {}

    public static FashionMnist synthetic(int trainCount, int testCount, long seed) {
        Random random = new Random(seed);
        byte[][] train = images(trainCount, random);
        byte[][] test = images(testCount, random);
        return new FashionMnist(train[0], train[1], test[0], test[1]);
    }

    /** {images, labels}. */
    private static byte[][] images(int count, Random random) {
        byte[] pixels = new byte[count * DatasetShape.PIXELS];
        byte[] labels = new byte[count];
        for (int i = 0; i < count; i++) {
            int label = random.nextInt(DatasetShape.CLASSES);
            labels[i] = (byte) label;
            int row0 = (label / 4) * 7 + 3;
            int col0 = (label % 4) * 7;
            for (int p = 0; p < DatasetShape.PIXELS; p++) {
                int row = p / 28;
                int col = p % 28;
                boolean inBlock = row >= row0 && row < row0 + 7 && col >= col0 && col < col0 + 7;
                pixels[i * DatasetShape.PIXELS + p] = (byte) (inBlock ? 200 + random.nextInt(56) : random.nextInt(60));
            }
        }
        return new byte[][] {pixels, labels};
    }

    /** IDX bytes: magic 0x0000080N, sizes, data. */
    public static byte[] idx(byte[] data, int... dims) {
        ByteBuffer buffer = ByteBuffer.allocate(4 + 4 * dims.length + data.length);
        buffer.putInt(0x0800 | dims.length);
        for (int d : dims) {
            buffer.putInt(d);
        }
        buffer.put(data);
        return buffer.array();
    }

    public static byte[] gzip(byte[] raw) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(raw);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Writes the data set as the four gzip IDX files. */
    public static void writeDataset(Path dir, FashionMnist data) throws IOException {
        Files.createDirectories(dir);
        Files.write(dir.resolve(DatasetFiles.TRAIN_IMAGES.gzName()), gzip(idx(data.trainImages(), data.trainCount(), 28, 28)));
        Files.write(dir.resolve(DatasetFiles.TRAIN_LABELS.gzName()), gzip(idx(data.trainLabels(), data.trainCount())));
        Files.write(dir.resolve(DatasetFiles.TEST_IMAGES.gzName()), gzip(idx(data.testImages(), data.testCount(), 28, 28)));
        Files.write(dir.resolve(DatasetFiles.TEST_LABELS.gzName()), gzip(idx(data.testLabels(), data.testCount())));
    }

    /** Fails loudly: the end-to-end tests need the real data set (installed by .ci/run). */
    public static Path requireRealData() {
        if (!DatasetFiles.allPresent(REAL_DATA)) {
            throw new IllegalStateException("Fashion-MNIST not found in " + REAL_DATA
                    + ": run 'apt-get install -y dataset-fashion-mnist' (make test and .ci/run do this)");
        }
        return REAL_DATA;
    }
}
