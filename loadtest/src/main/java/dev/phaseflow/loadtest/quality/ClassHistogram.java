package dev.phaseflow.loadtest.quality;

/**
 * How generated images spread over the classifier's classes, against the uniform spread of a
 * balanced data set such as Fashion-MNIST. Mode collapse or a broken phase of sampling shows as
 * a lopsided histogram.
 *
 * @param counts images per class (classifier argmax)
 */
public record ClassHistogram(int[] counts) {

    public static ClassHistogram of(int[] classes, int classCount) {
        int[] counts = new int[classCount];
        for (int c : classes) {
            if (c < 0 || c >= classCount) {
                throw new IllegalArgumentException("class " + c + " is outside [0, " + classCount + ")");
            }
            counts[c]++;
        }
        return new ClassHistogram(counts);
    }

    public int total() {
        int n = 0;
        for (int c : counts) {
            n += c;
        }
        return n;
    }

    /** Total variation distance to uniform: half the L1 distance of the class frequencies, in [0, 1 - 1/K]. */
    public double totalVariationToUniform() {
        int n = total();
        double uniform = 1.0 / counts.length;
        double sum = 0;
        for (int c : counts) {
            sum += Math.abs((double) c / n - uniform);
        }
        return sum / 2;
    }

    /** Pearson's chi-square statistic against equal expected counts (K - 1 degrees of freedom). */
    public double chiSquareToUniform() {
        double expected = (double) total() / counts.length;
        double sum = 0;
        for (int c : counts) {
            sum += (c - expected) * (c - expected) / expected;
        }
        return sum;
    }

    /** Entropy of the class frequencies in bits; log2(K) when uniform. */
    public double entropyBits() {
        int n = total();
        double h = 0;
        for (int c : counts) {
            if (c > 0) {
                double p = (double) c / n;
                h -= p * Math.log(p) / Math.log(2);
            }
        }
        return h;
    }

    public double maxEntropyBits() {
        return Math.log(counts.length) / Math.log(2);
    }
}
