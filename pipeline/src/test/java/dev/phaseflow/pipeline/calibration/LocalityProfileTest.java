package dev.phaseflow.pipeline.calibration;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.phaseflow.models.Denoiser;
import dev.phaseflow.models.ImageBatch;
import dev.phaseflow.pipeline.TwoGaussianMixture;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LocalityProfileTest {
    static final double TOLERANCE = 0.05;

    static LocalityProfile profile(double[] sigmas, int[] radii, double[][] errors, Map<String, double[]> models) {
        return new LocalityProfile(sigmas, radii, new int[] {1}, new double[][][] {errors}, models, Map.of(), TOLERANCE,
                new double[sigmas.length], errors, 1);
    }

    /** [k][j] errors of denoisers given per radius (and the full image last) from X0Errors. */
    static double[][] table(X0Errors errors, List<String> names) {
        double[][] t = new double[errors.sigmas().length][names.size()];
        for (int j = 0; j < names.size(); j++) {
            double[] e = errors.mse(names.get(j));
            for (int k = 0; k < e.length; k++) {
                t[k][j] = e[k];
            }
        }
        return t;
    }

    /**
     * The mixture's exact patch-local denoisers give the derived needed radius: 1 where no patch
     * and not the whole image separate the modes (far above sigma_c) and where every patch does
     * (far below sigma_l(1)), larger in between. The empirical local posteriors, from training
     * samples only, find the same radius.
     */
    @Test
    void neededRadiusOnTheMixtureBehavesAsDerived() {
        TwoGaussianMixture mix = TwoGaussianMixture.standard();
        int[] radii = {1, 2, 3, 4, 6};
        double[] sigmas = new SigmaGrid(0.5, 10, 7).sigmas();
        ImageBatch clean = mix.sample(24, 31).images();
        long seed = 32;

        Map<String, Denoiser> exact = new LinkedHashMap<>();
        List<String> names = new java.util.ArrayList<>();
        for (int r : radii) {
            exact.put("local-r" + r, mix.localDenoiser(r));
            names.add("local-r" + r);
        }
        exact.put(TwoGaussianMixture.EXACT_NAME, mix.exactDenoiser());
        names.add(TwoGaussianMixture.EXACT_NAME);
        X0Errors derivedErrors = X0Errors.measure(exact, clean, sigmas, TwoGaussianMixture.EXACT_NAME, "local-r1", seed,
                100);
        double[] derived = profile(sigmas, radii, table(derivedErrors, names), Map.of()).neededRadius();

        EmpiricalPosterior ep = new EmpiricalPosterior(mix.sample(2000, 33).images(), radii);
        EmpiricalPosterior.Errors e = ep.errors(clean, LocalityCalibration.noise(clean.data().length, seed), sigmas,
                new int[] {2000}, 2);
        double[] empirical = profile(sigmas, radii, e.largest(), Map.of()).neededRadius();

        String both = "derived " + Arrays.toString(derived) + ", empirical " + Arrays.toString(empirical) + " at sigma "
                + Arrays.toString(sigmas);
        double sigmaC = mix.speciationSigma();
        double sigmaL = mix.localSpeciationSigma(radii[0]);
        int peak = 0;
        for (int k = 0; k < sigmas.length; k++) {
            double d = Double.isNaN(derived[k]) ? 99 : derived[k];
            peak = d > (Double.isNaN(derived[peak]) ? 99 : derived[peak]) ? k : peak;
            if (sigmas[k] > 2.5 * sigmaC) {
                assertEquals(1, derived[k], "far above sigma_c = " + sigmaC + ": " + both);
            }
        }
        assertTrue(sigmas[peak] > sigmaL && sigmas[peak] < sigmaC, "derived peak between sigma_l(1) = " + sigmaL
                + " and sigma_c = " + sigmaC + ": " + both);
        assertTrue(Double.isNaN(derived[peak]) || derived[peak] >= 3, both);
        // with 2000 training images the empirical posterior finds the derived radius from sigma 2 up; below, where
        // the prior is too small for large patches, it finds a lower bound
        for (int k = 0; k < sigmas.length; k++) {
            int d = indexOf(radii, derived[k]);
            int m = indexOf(radii, empirical[k]);
            assertTrue(m <= d, "sigma " + sigmas[k] + ": the empirical radius is at most the derived one: " + both);
            if (sigmas[k] >= 2) {
                assertTrue(d - m <= 1, "sigma " + sigmas[k] + ": within one radius step: " + both);
            }
        }
    }

    /** Index of a needed radius among the radii; beyond the largest (NaN) is radii.length. */
    private static int indexOf(int[] radii, double r) {
        for (int j = 0; j < radii.length; j++) {
            if (radii[j] == r) {
                return j;
            }
        }
        return radii.length;
    }

    /**
     * A 1-D Gaussian Markov field, AR(1) with correlation exp(-|i - j| / l), observed in noise:
     * the posterior mean of pixel 0 weighs pixel k by lambda^|k|, lambda the smaller root of
     * lambda + 1/lambda = (1 + rho^2) / rho + (1 - rho^2) / (rho sigma^2), rho = exp(-1/l), so the
     * error gap of a radius-r window falls like lambda^(2r): xi = -1 / (2 ln lambda) (derived).
     * The nonparametric Markov length, from samples only, recovers it within 20%.
     */
    @Test
    void nonparametricMarkovLengthRecoversTheFieldsLength() {
        double length = 4;
        double sigma = 2;
        int width = 64;
        double rho = Math.exp(-1 / length);
        double q = (1 + rho * rho) / rho + (1 - rho * rho) / (rho * sigma * sigma);
        double lambda = (q - Math.sqrt(q * q - 4)) / 2;
        double xi = -1 / (2 * Math.log(lambda));

        int[] radii = {1, 2, 3, 4, 5};
        // the spread of the estimate comes from the held-out images more than from the prior's size: many of those
        ImageBatch train = ar1(2500, width, rho, 41);
        ImageBatch clean = ar1(600, width, rho, 42);
        EmpiricalPosterior.Errors e = new EmpiricalPosterior(train, radii).errors(clean,
                LocalityCalibration.noise(clean.data().length, 43), new double[] {sigma}, new int[] {2500}, 2);
        double measured = profile(new double[] {sigma}, radii, e.largest(), Map.of()).gapLength()[0];
        assertEquals(xi, measured, 0.2 * xi, "derived xi " + xi + ", errors " + Arrays.toString(e.largest()[0]));

        // the exact Gaussian control on the same field gives the same length
        double[][] exact = GaussianLocality.errors(ar1Covariance(width, rho), 1, 1, width, new double[] {sigma}, radii);
        double control = profile(new double[] {sigma}, radii, exact, Map.of()).gapLength()[0];
        assertEquals(xi, control, 0.15 * xi, "control " + Arrays.toString(exact[0]));
    }

    static ImageBatch ar1(int n, int width, double rho, long seed) {
        Random rng = new Random(seed);
        float[] d = new float[n * width];
        double innovation = Math.sqrt(1 - rho * rho);
        for (int i = 0; i < n; i++) {
            double v = rng.nextGaussian();
            for (int x = 0; x < width; x++) {
                v = x == 0 ? v : rho * v + innovation * rng.nextGaussian();
                d[i * width + x] = (float) v;
            }
        }
        return new ImageBatch(n, 1, 1, width, d);
    }

    static double[][] ar1Covariance(int width, double rho) {
        double[][] c = new double[width][width];
        for (int i = 0; i < width; i++) {
            for (int j = 0; j < width; j++) {
                c[i][j] = Math.pow(rho, Math.abs(i - j));
            }
        }
        return c;
    }

    @Test
    void decayLengthFitsAnExponentialWithItsAsymptote() {
        double[] r = {1, 2, 3, 4, 5, 6};
        double[] y = new double[r.length];
        for (int j = 0; j < r.length; j++) {
            y[j] = 0.3 + 2 * Math.exp(-r[j] / 1.7);
        }
        assertEquals(1.7, LocalityProfile.decayLength(r, y), 0.01);
        assertTrue(Double.isNaN(LocalityProfile.decayLength(new double[] {1, 2}, new double[] {2, 1})),
                "two radii cannot fix three parameters");
        assertTrue(Double.isNaN(LocalityProfile.decayLength(r, new double[] {1, 2, 3, 4, 5, 6})), "no decay: undefined");
    }

    @Test
    void neededRadiusReachAndWindowFromATable() {
        double[] sigmas = {0.1, 1, 10, 100};
        int[] radii = {1, 2, 4};
        double[][] errors = { // per sigma: r = 1, 2, 4, full
                {1.00, 1.20, 1.50, 3.00},  // r = 1 is the best empirical posterior
                {1.50, 1.20, 1.04, 1.00},  // r = 4 within 5% of the full image
                {1.50, 1.30, 1.20, 1.00},  // only the full image
                {1.00, 1.01, 1.02, 1.50}}; // r = 1 again
        Map<String, double[]> models = new LinkedHashMap<>();
        models.put("global", new double[] {0.5, 1.0, 1.0, 1.0});
        models.put("local-r2", new double[] {0.51, 2.0, 2.0, 1.04});
        LocalityProfile p = new LocalityProfile(sigmas, radii, new int[] {1}, new double[][][] {errors}, models,
                Map.of("local-r2", 2), TOLERANCE, new double[4], errors, 1);
        assertArrayEquals(new double[] {1, 4, Double.NaN, 1}, p.neededRadius());
        assertArrayEquals(new double[] {Double.NaN, 4, Double.NaN, 1}, p.neededRadiusVsModels());
        assertEquals(2, p.peakIndex(), "beyond the largest radius counts as the highest");
        assertArrayEquals(new boolean[] {false, false, false, true}, p.reached(1));
        assertArrayEquals(new double[] {0.1, 10}, p.window(p.reached(1)));
        assertEquals(1, p.ranges(p.reached(1)).size());
        assertArrayEquals(new double[] {100, 100}, p.ranges(p.reached(1)).get(0));
        assertArrayEquals(new boolean[] {true, false, false, true}, p.reachedByModel("local-r2"));
        assertArrayEquals(new double[] {1, 10}, p.window(p.reachedByModel("local-r2")));
        assertArrayEquals(new double[] {Double.NaN, Double.NaN}, p.window(new boolean[] {true, true, true, true}));
        assertArrayEquals(new String[] {"global", "global", "global", "global"}, p.bestModelName());
    }
}
