package dev.sweeprunner.train;

import java.util.Random;

/** Fisher-Yates permutations from a seeded Java RNG: the same seed gives the same order everywhere. */
final class Shuffle {
    private Shuffle() {}

    static long[] permutation(int count, Random random) {
        long[] order = new long[count];
        for (int i = 0; i < count; i++) {
            order[i] = i;
        }
        for (int i = count - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            long swap = order[i];
            order[i] = order[j];
            order[j] = swap;
        }
        return order;
    }
}
