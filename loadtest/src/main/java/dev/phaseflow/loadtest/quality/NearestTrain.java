package dev.phaseflow.loadtest.quality;

import dev.phaseflow.models.ImageBatch;
import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * The memorisation check: each generated image's Euclidean (L2) distance in pixel space to its
 * nearest training image. A model that copies its training set produces distances near zero.
 *
 * <p>Exact search, pruned two ways: training images are sorted by norm, and since
 * |‖a‖ - ‖b‖| <= ‖a - b‖ the search walks outward from the query's norm and stops once the norm
 * gap exceeds the best distance so far; and each distance sum is abandoned once it exceeds that
 * best. Queries run in parallel.
 *
 * @param distances L2 distance of each query image to its nearest training image
 * @param nearest   index of that training image
 */
public record NearestTrain(double[] distances, int[] nearest) {

    /** Searches {@code train} for each image of {@code queries}. */
    public static NearestTrain search(ImageBatch queries, ImageBatch train) {
        if (!queries.sameImageShape(train)) {
            throw new IllegalArgumentException("generated images are " + queries.shapeString() + ", training images "
                    + train.shapeString());
        }
        if (train.count() == 0) {
            throw new IllegalArgumentException("no training images to compare with");
        }
        int size = train.imageSize();
        float[] t = train.data();
        double[] norms = new double[train.count()];
        for (int i = 0; i < norms.length; i++) {
            norms[i] = Math.sqrt(squaredNorm(t, i * size, size));
        }
        Integer[] boxed = IntStream.range(0, norms.length).boxed().toArray(Integer[]::new);
        Arrays.sort(boxed, Comparator.comparingDouble(i -> norms[i]));
        int[] order = Arrays.stream(boxed).mapToInt(Integer::intValue).toArray();
        double[] sortedNorms = Arrays.stream(order).mapToDouble(i -> norms[i]).toArray();
        double[] distances = new double[queries.count()];
        int[] nearest = new int[queries.count()];
        float[] q = queries.data();
        IntStream.range(0, queries.count()).parallel().forEach(k -> {
            int offset = k * size;
            double norm = Math.sqrt(squaredNorm(q, offset, size));
            int up = Arrays.binarySearch(sortedNorms, norm);
            up = up < 0 ? -up - 1 : up;
            int down = up - 1;
            double best = Double.POSITIVE_INFINITY;
            int bestIndex = -1;
            while (true) {
                double gapUp = up < order.length ? sortedNorms[up] - norm : Double.POSITIVE_INFINITY;
                double gapDown = down >= 0 ? norm - sortedNorms[down] : Double.POSITIVE_INFINITY;
                double gap = Math.min(gapUp, gapDown);
                if (!(gap * gap < best)) {
                    break; // every remaining image is at least this far away
                }
                int candidate = gapUp <= gapDown ? order[up++] : order[down--];
                double d = squaredDistance(q, offset, t, candidate * size, size, best);
                if (d < best) {
                    best = d;
                    bestIndex = candidate;
                }
            }
            distances[k] = Math.sqrt(best);
            nearest[k] = bestIndex;
        });
        return new NearestTrain(distances, nearest);
    }

    /** Summary with the fraction of near-copies: distance below {@code threshold}. */
    public NearestSummary summary(double threshold, int trainCount, String trainSource) {
        double[] sorted = distances.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        double mean = Arrays.stream(sorted).average().orElse(Double.NaN);
        double median = n == 0 ? Double.NaN : n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
        long copies = Arrays.stream(sorted).filter(d -> d < threshold).count();
        return new NearestSummary(n, mean, median, n == 0 ? Double.NaN : sorted[0], n == 0 ? Double.NaN : (double) copies / n,
                threshold, trainCount, trainSource);
    }

    /** Query indices by increasing distance: the closest pairs first. */
    public int[] closestFirst() {
        return IntStream.range(0, distances.length).boxed().sorted(Comparator.comparingDouble(i -> distances[i]))
                .mapToInt(Integer::intValue).toArray();
    }

    private static double squaredNorm(float[] x, int offset, int size) {
        double s = 0;
        for (int i = offset; i < offset + size; i++) {
            s += (double) x[i] * x[i];
        }
        return s;
    }

    /** Squared distance, or a value >= {@code stop} as soon as the partial sum passes it. */
    private static double squaredDistance(float[] a, int ao, float[] b, int bo, int size, double stop) {
        double s = 0;
        for (int i = 0; i < size; i += 32) {
            int end = Math.min(size, i + 32);
            for (int j = i; j < end; j++) {
                double d = a[ao + j] - b[bo + j];
                s += d * d;
            }
            if (s >= stop) {
                return s;
            }
        }
        return s;
    }
}
