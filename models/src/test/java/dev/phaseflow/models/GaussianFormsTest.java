package dev.phaseflow.models;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The scalable Gaussian denoisers of models/training/gaussian_forms.py (rank-k eigenbasis plus an
 * isotropic remainder; per-frequency Wiener filter after a colour rotation) against the full form,
 * on 3x8x6 covariances where each is exact (fixtures from make_size_fixtures.py).
 */
class GaussianFormsTest {
    private static final double[] SIGMAS = {0.01, 0.1, 0.7, 3.0, 40.0};

    @ParameterizedTest(name = "{1} = {0}")
    @CsvSource({"spiked-full, spiked-lowrank", "stationary-full, stationary"})
    void scalableFormMatchesTheFullForm(String full, String scalable) {
        try (OnnxModel a = Fixtures.open("gaussian-forms/" + full); OnnxModel b = Fixtures.open("gaussian-forms/" + scalable)) {
            ImageBatch x = Fixtures.gaussian(SIGMAS.length, 3, 8, 6, 17, 2f);
            ImageBatch want = new OnnxDenoiser(a).denoise(x, SIGMAS);
            ImageBatch got = new OnnxDenoiser(b).denoise(x, SIGMAS);
            double diff = Fixtures.maxAbsDiff(want.data(), got.data());
            assertTrue(diff < 1e-4, scalable + " vs " + full + ": max abs diff " + diff);
            // and the denoiser does something: x0 differs from the input by far more than that
            assertTrue(Fixtures.maxAbsDiff(x.data(), got.data()) > 0.1);
        }
    }
}
