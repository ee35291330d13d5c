package dev.sweeprunner.records;

import java.util.Arrays;

/** Test-set counts: {@code count(t, p)} images of true class t were predicted as class p. */
public final class ConfusionMatrix {
    private final int classes;
    private final long[] counts;

    /** {@code counts} is row-major, classes × classes; it is copied. */
    public ConfusionMatrix(int classes, long[] counts) {
        if (counts.length != classes * classes) {
            throw new IllegalArgumentException(counts.length + " counts for " + classes + " classes");
        }
        this.classes = classes;
        this.counts = counts.clone();
    }

    public int classes() {
        return classes;
    }

    public long count(int trueClass, int predicted) {
        return counts[trueClass * classes + predicted];
    }

    /** Images of class c (row sum). */
    public long support(int c) {
        long sum = 0;
        for (int p = 0; p < classes; p++) {
            sum += count(c, p);
        }
        return sum;
    }

    /** Images predicted as class c (column sum). */
    public long predicted(int c) {
        long sum = 0;
        for (int t = 0; t < classes; t++) {
            sum += count(t, c);
        }
        return sum;
    }

    public long total() {
        return Arrays.stream(counts).sum();
    }

    public long correct() {
        long sum = 0;
        for (int c = 0; c < classes; c++) {
            sum += count(c, c);
        }
        return sum;
    }

    /** This minus other, cell by cell (study C's "CNN minus MLP" matrix). */
    public ConfusionMatrix minus(ConfusionMatrix other) {
        if (other.classes != classes) {
            throw new IllegalArgumentException("cannot subtract a " + other.classes + "-class matrix from a "
                    + classes + "-class one");
        }
        long[] difference = new long[counts.length];
        for (int i = 0; i < counts.length; i++) {
            difference[i] = counts[i] - other.counts[i];
        }
        return new ConfusionMatrix(classes, difference);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ConfusionMatrix m && m.classes == classes && Arrays.equals(m.counts, counts);
    }

    @Override
    public int hashCode() {
        return 31 * classes + Arrays.hashCode(counts);
    }

    @Override
    public String toString() {
        return "ConfusionMatrix" + Arrays.toString(counts);
    }
}
