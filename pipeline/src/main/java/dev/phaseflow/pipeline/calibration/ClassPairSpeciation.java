package dev.phaseflow.pipeline.calibration;

import dev.phaseflow.models.ImageBatch;
import dev.phaseflow.models.data.LabelledImages;
import java.util.ArrayList;
import java.util.List;

/**
 * Two-class speciation of one pair of classes, read as the symmetric mixture N(+-a, s^2) along
 * the line through the class means: {@code a = |mu1 - mu2| / 2}, {@code s^2} = within-class
 * variance along the unit vector of mu1 - mu2 (pooled over both classes' samples, denominator
 * n1 + n2 - 2), and speciation at {@code sigma_c^2 = a^2 - s^2}. When s^2 >= a^2 the two classes
 * overlap along that line and never separate: sigma_c is reported as 0.
 *
 * <p>a is taken from sample means as is; its squared value carries a small upward bias of about
 * d * s^2 / n (noise of the means in all d directions), negligible for the sample sizes used.
 *
 * @param classA label of the first class
 * @param classB label of the second class (classA < classB)
 * @param nameA  class name of classA (the label as text when unnamed)
 * @param nameB  class name of classB
 * @param a      half the distance between the class means
 * @param s2     within-class variance along the line through the means
 * @param sigmaC sqrt(a^2 - s^2), or 0 when a^2 <= s^2
 */
public record ClassPairSpeciation(int classA, int classB, String nameA, String nameB, double a, double s2,
                                  double sigmaC) {

    /** Whether the pair separates at some noise level (a^2 > s^2). */
    public boolean speciates() {
        return sigmaC > 0;
    }

    /** Every pair of classes that has at least two images each; empty when the data has no labels. */
    public static List<ClassPairSpeciation> all(LabelledImages data) {
        if (data.labels().isEmpty()) {
            return List.of();
        }
        int[] labels = data.labels().get();
        int classes = 0;
        for (int l : labels) {
            classes = Math.max(classes, l + 1);
        }
        int d = data.images().imageSize();
        int[] counts = new int[classes];
        double[][] means = new double[classes][d];
        float[] x = data.images().data();
        for (int img = 0; img < labels.length; img++) {
            counts[labels[img]]++;
            double[] m = means[labels[img]];
            for (int i = 0, o = img * d; i < d; i++, o++) {
                m[i] += x[o];
            }
        }
        for (int c = 0; c < classes; c++) {
            for (int i = 0; i < d; i++) {
                means[c][i] /= Math.max(1, counts[c]);
            }
        }
        List<ClassPairSpeciation> out = new ArrayList<>();
        for (int p = 0; p < classes; p++) {
            for (int q = p + 1; q < classes; q++) {
                if (counts[p] >= 2 && counts[q] >= 2) {
                    out.add(of(data.images(), labels, p, q, means[p], means[q], name(data, p), name(data, q)));
                }
            }
        }
        return List.copyOf(out);
    }

    /** The pair (p, q) given the class means; only images labelled p or q are read. */
    static ClassPairSpeciation of(ImageBatch images, int[] labels, int p, int q, double[] meanP, double[] meanQ,
                                  String nameP, String nameQ) {
        int d = meanP.length;
        double[] direction = new double[d];
        double distance2 = 0;
        for (int i = 0; i < d; i++) {
            direction[i] = meanP[i] - meanQ[i];
            distance2 += direction[i] * direction[i];
        }
        double distance = Math.sqrt(distance2);
        double a = distance / 2;
        if (distance == 0) {
            return new ClassPairSpeciation(p, q, nameP, nameQ, 0, 0, 0); // identical means: nothing to separate
        }
        for (int i = 0; i < d; i++) {
            direction[i] /= distance;
        }
        float[] x = images.data();
        double sum2 = 0;
        int n = 0;
        for (int img = 0; img < labels.length; img++) {
            if (labels[img] != p && labels[img] != q) {
                continue;
            }
            double[] m = labels[img] == p ? meanP : meanQ;
            double proj = 0;
            for (int i = 0, o = img * d; i < d; i++, o++) {
                proj += (x[o] - m[i]) * direction[i];
            }
            sum2 += proj * proj;
            n++;
        }
        double s2 = sum2 / (n - 2);
        double c2 = a * a - s2;
        return new ClassPairSpeciation(p, q, nameP, nameQ, a, s2, c2 > 0 ? Math.sqrt(c2) : 0);
    }

    private static String name(LabelledImages data, int label) {
        return label < data.classes().size() ? data.classes().get(label) : Integer.toString(label);
    }
}
