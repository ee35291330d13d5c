package dev.sweeprunner.records;

/** A trial's test-set confusion matrix at one epoch, labelled by why it was kept (best or last). */
public record EpochConfusion(At at, int epoch, ConfusionMatrix matrix) {
    /** Which epoch: the best by validation accuracy (see {@link EpochRecord#improvesOn}) or the last. */
    public enum At {
        BEST, LAST;

        public String csvName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        public static At fromCsv(String text) {
            return valueOf(text.toUpperCase(java.util.Locale.ROOT));
        }
    }
}
