package dev.phaseflow.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The fixture network computes out = x_in + t. Each manifest declares another convention and
 * parameterisation, so x0 has a closed form the wrapper must reproduce.
 */
class WrapperIdentityTest {
    private static final double[] SIGMAS = {0.002, 0.05, 0.7, 3.0, 80.0};

    interface Expected {
        double x0(double x, double sigma);
    }

    private static void check(String fixture, Expected expected) {
        try (OnnxModel model = Fixtures.open(fixture)) {
            OnnxDenoiser d = new OnnxDenoiser(model);
            ImageBatch x = Fixtures.gaussian(SIGMAS.length, 1, 28, 28, 11, 2f);
            ImageBatch x0 = d.denoise(x, SIGMAS);
            double worst = 0;
            for (int i = 0; i < SIGMAS.length; i++) {
                for (int j = 0; j < 784; j++) {
                    double xv = x.data()[i * 784 + j];
                    double want = expected.x0(xv, SIGMAS[i]);
                    worst = Math.max(worst, Math.abs(x0.data()[i * 784 + j] - want) / Math.max(1, Math.abs(want)));
                }
            }
            assertTrue(worst < 2e-5, fixture + ": relative error " + worst);
        }
    }

    @Test
    void epsModelInVeFormGivesXMinusSigmaEps() {
        // x0 = x - sigma * eps, eps = x + sigma (the time input of a VE model is sigma)
        check("affine-eps-ve", (x, s) -> x - s * (x + s));
    }

    @Test
    void x0ModelIsPassedThrough() {
        check("affine-x0-ve", (x, s) -> x + s);
    }

    @Test
    void epsModelUnderVpCosineSeesScaledInputAndCosineTime() {
        DoubleUnaryOperator t = WrapperIdentityTest::cosineTime;
        check("affine-eps-cosine", (x, s) -> x - s * (x / Math.sqrt(1 + s * s) + t.applyAsDouble(s)));
    }

    @Test
    void vModelUnderVpCosine() {
        check("affine-v-cosine", (x, s) -> {
            double xvp = x / Math.sqrt(1 + s * s);
            double ab = 1 / (1 + s * s);
            return Math.sqrt(ab) * xvp - Math.sqrt(1 - ab) * (xvp + cosineTime(s));
        });
    }

    @Test
    void vModelUnderVpLinearBeta() {
        check("affine-v-linear", (x, s) -> {
            double xvp = x / Math.sqrt(1 + s * s);
            double ab = 1 / (1 + s * s);
            // solve 0.1 t + 9.95 t^2 = log(1 + s^2) independently by bisection
            double lo = 0;
            double hi = 1;
            for (int k = 0; k < 200; k++) {
                double mid = (lo + hi) / 2;
                if (0.1 * mid + 9.95 * mid * mid < Math.log1p(s * s)) {
                    lo = mid;
                } else {
                    hi = mid;
                }
            }
            return Math.sqrt(ab) * xvp - Math.sqrt(1 - ab) * (xvp + lo);
        });
    }

    @Test
    void rectifiedFlowVelocity() {
        check("affine-flow-rf", (x, s) -> {
            double t = s / (1 + s);
            double xt = x * (1 - t);
            return xt - t * (xt + t);
        });
    }

    @Test
    void cosineTimeInvertsTheSchedule() {
        NoiseConvention.VpCosine c = new NoiseConvention.VpCosine(0.008);
        for (double s : SIGMAS) {
            double t = c.time(s);
            double c0 = Math.cos(0.008 / 1.008 * Math.PI / 2);
            double ab = Math.pow(Math.cos((t + 0.008) / 1.008 * Math.PI / 2), 2) / (c0 * c0);
            assertEquals(1 / (1 + s * s), ab, 1e-9);
        }
    }

    private static double cosineTime(double sigma) {
        // t with ab(t) = 1 / (1 + sigma^2), by bisection on the schedule itself
        double c0 = Math.cos(0.008 / 1.008 * Math.PI / 2);
        double lo = 0;
        double hi = 1;
        for (int k = 0; k < 200; k++) {
            double mid = (lo + hi) / 2;
            double ab = Math.pow(Math.cos((mid + 0.008) / 1.008 * Math.PI / 2), 2) / (c0 * c0);
            if (ab > 1 / (1 + sigma * sigma)) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return lo;
    }
}
