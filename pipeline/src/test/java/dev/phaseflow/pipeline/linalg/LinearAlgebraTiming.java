package dev.phaseflow.pipeline.linalg;

import dev.phaseflow.models.ImageBatch;
import dev.phaseflow.models.data.Datasets;
import dev.phaseflow.pipeline.calibration.DataStatistics;
import dev.phaseflow.pipeline.calibration.GaussianCmi;
import dev.phaseflow.pipeline.calibration.SigmaGrid;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;
import java.util.function.Supplier;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.decomposition.TriangularSolver_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.CholeskyDecomposition_F64;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;

/**
 * Not a test: times pipeline/linalg against EJML on the sizes phaseflow uses
 * (Fashion-MNIST's 784 x 784 covariance of calibration, the classifier's 128 x 128 feature
 * covariance of the Frechet distance) and prints medians side by side, with the largest
 * difference between the two answers. Needs Debian's dataset-fashion-mnist. From the repository root:
 *
 * <pre>
 * mvn -q -pl pipeline -am -DskipTests install dependency:build-classpath -Dmdep.outputFile=target/test-classpath.txt
 * java -cp "pipeline/target/test-classes:pipeline/target/classes:$(cat pipeline/target/test-classpath.txt)" \
 *     dev.phaseflow.pipeline.linalg.LinearAlgebraTiming [runs, default 7] [images, default 10000]
 * </pre>
 */
public final class LinearAlgebraTiming {

    private LinearAlgebraTiming() {}

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 7;
        int images = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
        ImageBatch data = Datasets.fashionMnistTrain().head(images).images();
        int n = data.count();
        int d = data.imageSize();
        System.out.printf(Locale.ROOT, "%d Fashion-MNIST training images, d = %d; medians of %d runs after 2 warm-up, ms%n%n",
                n, d, runs);
        System.out.println("| operation | phaseflow ms | EJML ms | EJML / phaseflow | max abs difference |");
        System.out.println("|---|---:|---:|---:|---:|");

        double[][] ours = time("covariance (mean, n-1)", runs,
                () -> SampleMoments.of(data.data(), n, d).covariance(),
                () -> ejmlCovariance(data.data(), n, d));
        double sigma2 = 0.25; // sigma 0.5, inside the transition window
        double[][] l = time("Cholesky of S + sigma^2 I", runs,
                () -> LinearAlgebra.cholesky(ours, sigma2),
                () -> ejmlCholesky(ours, sigma2));
        int k = d / 2;
        time("forward solve L y = e_k (k = d/2)", runs * 20,
                () -> new double[][] {LinearAlgebra.forwardSolve(l, unit(d, k))},
                () -> new double[][] {ejmlForwardSolve(l, unit(d, k))});
        time("top eigenvalue of S", runs,
                () -> new double[][] {{LinearAlgebra.topEigenpair(ours).value()}},
                () -> new double[][] {{ejmlEigenvalues(ours)[0]}});
        // SymmetricEigen is EJML's since this comparison (Jacobi 35.0 ms, EJML 1.38 ms at commit a01c02b)
        double[][] features = featureCovariance(128, new Random(1));
        time("all eigenvalues, 128 x 128 (Frechet distance)", runs,
                () -> new double[][] {SymmetricEigen.of(features).values()},
                () -> new double[][] {ejmlEigenvalues(features)});

        DataStatistics stats = DataStatistics.of(data);
        double[] sigmas = SigmaGrid.DEFAULT.sigmas(); // calibrate's 48 sigmas
        double[] cmi = new double[runs];
        for (int r = -1; r < runs; r++) {
            long t0 = System.nanoTime();
            GaussianCmi.profile(stats, sigmas);
            if (r >= 0) {
                cmi[r] = (System.nanoTime() - t0) / 1e6;
            }
        }
        System.out.printf(Locale.ROOT, "%nGaussian CMI profile at 48 sigmas (phaseflow's code): %.0f ms%n", median(cmi));
    }

    /** Prints one row and returns phaseflow's answer. */
    private static double[][] time(String name, int runs, Supplier<double[][]> ours, Supplier<double[][]> ejml) {
        double[] a = new double[runs];
        double[] b = new double[runs];
        double[][] answer = null;
        double[][] other = null;
        for (int r = -2; r < runs; r++) { // alternated, two warm-up rounds
            long t0 = System.nanoTime();
            answer = ours.get();
            long t1 = System.nanoTime();
            other = ejml.get();
            long t2 = System.nanoTime();
            if (r >= 0) {
                a[r] = (t1 - t0) / 1e6;
                b[r] = (t2 - t1) / 1e6;
            }
        }
        double ma = median(a);
        double mb = median(b);
        System.out.printf(Locale.ROOT, "| %s | %.3f | %.3f | %.2fx | %.2e |%n", name, ma, mb, mb / ma, maxDifference(answer, other));
        return answer;
    }

    private static double[][] ejmlCovariance(float[] values, int n, int d) {
        DMatrixRMaj x = new DMatrixRMaj(n, d);
        for (int i = 0; i < n * d; i++) {
            x.data[i] = values[i];
        }
        DMatrixRMaj m = new DMatrixRMaj(1, d);
        CommonOps_DDRM.sumCols(x, m);
        CommonOps_DDRM.divide(m, n);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                x.data[i * d + j] -= m.data[j];
            }
        }
        DMatrixRMaj c = new DMatrixRMaj(d, d);
        CommonOps_DDRM.multTransA(x, x, c);
        CommonOps_DDRM.divide(c, n - 1);
        return rows(c);
    }

    private static double[][] ejmlCholesky(double[][] s, double shift) {
        DMatrixRMaj a = new DMatrixRMaj(s);
        for (int i = 0; i < s.length; i++) {
            a.add(i, i, shift);
        }
        CholeskyDecomposition_F64<DMatrixRMaj> chol = DecompositionFactory_DDRM.chol(s.length, true);
        if (!chol.decompose(a)) {
            throw new IllegalStateException("EJML: not positive definite");
        }
        double[][] l = rows(chol.getT(null));
        for (int i = 0; i < l.length; i++) {
            l[i] = Arrays.copyOf(l[i], i + 1); // phaseflow keeps the lower triangle only
        }
        return l;
    }

    private static double[] ejmlForwardSolve(double[][] lower, double[] b) {
        int n = lower.length;
        double[] l = new double[n * n];
        for (int i = 0; i < n; i++) {
            System.arraycopy(lower[i], 0, l, i * n, i + 1);
        }
        double[] y = b.clone();
        TriangularSolver_DDRM.solveL(l, y, n);
        return y;
    }

    private static double[] ejmlEigenvalues(double[][] s) {
        EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(s.length, false, true);
        if (!eig.decompose(new DMatrixRMaj(s))) {
            throw new IllegalStateException("EJML: eigen-decomposition failed");
        }
        double[] v = new double[s.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = eig.getEigenvalue(i).getReal();
        }
        Arrays.sort(v);
        for (int i = 0; i < v.length / 2; i++) { // descending, as SymmetricEigen
            double t = v[i];
            v[i] = v[v.length - 1 - i];
            v[v.length - 1 - i] = t;
        }
        return v;
    }

    /** A feature-like covariance: 2000 vectors whose components' scales fall off as a power law. */
    private static double[][] featureCovariance(int d, Random rnd) {
        int n = 2000;
        float[] v = new float[n * d];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                v[i * d + j] = (float) (rnd.nextGaussian() / (1 + j) + 0.1 * rnd.nextGaussian());
            }
        }
        return SampleMoments.of(v, n, d).covariance();
    }

    private static double[] unit(int d, int k) {
        double[] e = new double[d];
        e[k] = 1;
        return e;
    }

    private static double[][] rows(DMatrixRMaj m) {
        double[][] out = new double[m.numRows][];
        for (int i = 0; i < m.numRows; i++) {
            out[i] = Arrays.copyOfRange(m.data, i * m.numCols, (i + 1) * m.numCols);
        }
        return out;
    }

    private static double maxDifference(double[][] a, double[][] b) {
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a[i].length; j++) {
                max = Math.max(max, Math.abs(a[i][j] - b[i][j]));
            }
        }
        return max;
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
