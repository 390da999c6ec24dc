package dev.phaseflow.monitoring;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Fixed log-spaced sigma buckets: {@code count} buckets between {@code min} and {@code max}, bucket
 * k covering {@code (edge[k], edge[k+1]]} (upper edge inclusive, like Prometheus' {@code le}). The
 * inner edges are rounded to three significant digits so that a bucket is named exactly by its
 * upper edge ("0.4", "13.7"): the {@code sigma_bucket} label value.
 *
 * <p>Sigmas outside the range are clamped: at or below {@code min} into the first bucket, above
 * {@code max} into the last, so every sampled sigma (including a final 0) lands somewhere.
 */
public final class SigmaBuckets {
    /** The default: 24 buckets from 0.002 to 80 (the EDM sigma range); ratio about 1.555. */
    public static final SigmaBuckets DEFAULT = new SigmaBuckets(0.002, 80, 24);

    private final double[] edges;
    private final List<String> labels;

    public SigmaBuckets(double min, double max, int count) {
        if (!(min > 0) || !(max > min) || Double.isInfinite(max)) {
            throw new IllegalArgumentException("need 0 < min < max < infinity, got min=" + min + " max=" + max);
        }
        Checks.positive("bucket count", count);
        // edges rounded to their 3-digit labels, so a label is exactly its bucket's upper edge
        edges = new double[count + 1];
        double logMin = Math.log(min);
        double step = (Math.log(max) - logMin) / count;
        for (int i = 0; i <= count; i++) {
            edges[i] = Double.parseDouble(compact(Math.exp(logMin + step * i)));
        }
        // pin the ends exactly, so that sigma == max is in the last bucket, not clamped into it
        edges[0] = min;
        edges[count] = max;
        List<String> names = new ArrayList<>(count);
        for (int k = 0; k < count; k++) {
            if (!(edges[k + 1] > edges[k])) {
                throw new IllegalArgumentException(count + " buckets over [" + min + ", " + max
                        + "] are too narrow for distinct 3-digit edges");
            }
            names.add(compact(edges[k + 1]));
        }
        labels = List.copyOf(names);
    }

    /** Number of buckets. */
    public int count() {
        return labels.size();
    }

    /** The bucket of {@code sigma} (>= 0), clamped into range. */
    public int indexOf(double sigma) {
        if (!(sigma >= 0) || Double.isInfinite(sigma)) {
            throw new IllegalArgumentException("sigma must be finite and >= 0, got " + sigma);
        }
        // first upper edge >= sigma: binarySearch over edges[1..count]
        int i = Arrays.binarySearch(edges, 1, edges.length, sigma);
        int upper = i >= 0 ? i : -i - 1;
        return Math.min(Math.max(upper - 1, 0), count() - 1);
    }

    /** The inclusive upper edge of bucket {@code k}. */
    public double upperEdge(int k) {
        return edges[checkIndex(k) + 1];
    }

    /** The exclusive lower edge of bucket {@code k} (the first bucket also takes everything below). */
    public double lowerEdge(int k) {
        return edges[checkIndex(k)];
    }

    /** The {@code sigma_bucket} label of bucket {@code k}. */
    public String label(int k) {
        return labels.get(checkIndex(k));
    }

    /** The label of the bucket {@code sigma} falls into. */
    public String labelOf(double sigma) {
        return labels.get(indexOf(sigma));
    }

    /** All labels, by ascending sigma. */
    public List<String> labels() {
        return labels;
    }

    /** All edges, {@code count + 1} of them ascending: usable as histogram upper bounds over sigma. */
    public double[] edges() {
        return edges.clone();
    }

    private int checkIndex(int k) {
        if (k < 0 || k >= count()) {
            throw new IndexOutOfBoundsException("bucket " + k + " of " + count());
        }
        return k;
    }

    /** Three significant digits, no exponent, no trailing zeros: 0.4, 0.00311, 13.7, 80. */
    static String compact(double value) {
        return new BigDecimal(value).round(new MathContext(3)).stripTrailingZeros().toPlainString();
    }
}
