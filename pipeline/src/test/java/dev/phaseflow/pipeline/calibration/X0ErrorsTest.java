package dev.phaseflow.pipeline.calibration;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.phaseflow.models.ImageBatch;
import dev.phaseflow.models.ModelRole;
import dev.phaseflow.pipeline.TwoGaussianMixture;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class X0ErrorsTest {
    static final double[] SIGMAS = {0.1, 1.0, 5.0};
    final ImageBatch clean = TwoGaussianMixture.standard().sample(250, 3).images();

    @Test
    void everyModelSeesTheSameNoisyImagesInBatchesAtOneSigma() {
        RecordingDenoiser identity = new RecordingDenoiser("identity", ModelRole.GLOBAL, v -> v);
        RecordingDenoiser half = new RecordingDenoiser("half", ModelRole.LOCAL, v -> v / 2);
        X0Errors.measure(models(identity, half), clean, SIGMAS, "identity", "half", 42, 100);

        assertEquals(SIGMAS.length * 3, identity.inputs.size(), "250 images in calls of at most 100, per sigma");
        for (int call = 0; call < identity.inputs.size(); call++) {
            ImageBatch x = identity.inputs.get(call);
            assertTrue(x.count() <= 100);
            assertArrayEquals(x.data(), half.inputs.get(call).data(), "call " + call + ": same noisy images");
            double expectedSigma = SIGMAS[call / 3];
            assertTrue(Arrays.stream(identity.sigmas.get(call)).allMatch(s -> s == expectedSigma), "one sigma per call");
            assertEquals(x.count(), identity.sigmas.get(call).length);
        }
        assertEquals(50, identity.inputs.get(2).count());
    }

    @Test
    void errorsDeltaAndDisagreementFollowFromTheNoisyImages() {
        RecordingDenoiser identity = new RecordingDenoiser("identity", ModelRole.GLOBAL, v -> v);
        RecordingDenoiser half = new RecordingDenoiser("half", ModelRole.LOCAL, v -> v / 2);
        RecordingDenoiser zero = new RecordingDenoiser("zero", ModelRole.GLOBAL, v -> 0);
        Map<String, RecordingDenoiser> models = models(identity, half);
        models.put("zero", zero);
        X0Errors e = X0Errors.measure(models, clean, SIGMAS, "identity", "half", 42, 100);
        int d = clean.imageSize();
        double values = (double) clean.count() * d;

        double cleanPower = 0;
        for (float v : clean.data()) {
            cleanPower += v * v;
        }
        for (int k = 0; k < SIGMAS.length; k++) {
            ImageBatch noisy = ImageBatch.concat(identity.inputs.subList(3 * k, 3 * k + 3));
            double err = 0;
            double power = 0;
            double[] sum = new double[d];
            double[] sum2 = new double[d];
            for (int i = 0; i < noisy.data().length; i++) {
                double x = noisy.data()[i];
                err += (x - clean.data()[i]) * (x - clean.data()[i]);
                power += x * x;
                sum[i % d] += x;
                sum2[i % d] += x * x;
            }
            double spread = 0;
            for (int i = 0; i < d; i++) {
                spread += sum2[i] - sum[i] * sum[i] / clean.count();
            }
            assertEquals(err / values, e.mse("identity")[k], 1e-6 * err / values);
            assertEquals(SIGMAS[k] * SIGMAS[k], e.mse("identity")[k], 0.03 * SIGMAS[k] * SIGMAS[k],
                    "the identity's error is sigma^2 on average");
            assertEquals(cleanPower / values, e.mse("zero")[k], 1e-9, "predicting 0 costs E x0^2 at every sigma");
            assertEquals(0.25 * power / values, e.disagreement()[k], 1e-6 * power / values);
            assertEquals(0.25 * power / spread, e.delta()[k], 1e-5);
        }
    }

    @Test
    void oneNoiseDrawIsScaledToEverySigmaAndTheSeedDecidesIt() {
        RecordingDenoiser a = new RecordingDenoiser("a", ModelRole.GLOBAL, v -> v);
        X0Errors.measure(models(a, new RecordingDenoiser("b", ModelRole.LOCAL, v -> v)), clean, SIGMAS, "a", "b", 42, 250);
        float[] first = a.inputs.get(0).data();
        float[] last = a.inputs.get(2).data();
        for (int i = 0; i < first.length; i += 97) {
            double eps0 = (first[i] - clean.data()[i]) / SIGMAS[0];
            double eps2 = (last[i] - clean.data()[i]) / SIGMAS[2];
            assertEquals(eps0, eps2, 1e-4 * (1 + Math.abs(eps0)), "value " + i);
        }
        RecordingDenoiser again = new RecordingDenoiser("a", ModelRole.GLOBAL, v -> v);
        X0Errors.measure(models(again, new RecordingDenoiser("b", ModelRole.LOCAL, v -> v)), clean, SIGMAS, "a", "b", 42,
                250);
        assertArrayEquals(first, again.inputs.get(0).data(), "same seed, same noise");
        RecordingDenoiser other = new RecordingDenoiser("a", ModelRole.GLOBAL, v -> v);
        X0Errors.measure(models(other, new RecordingDenoiser("b", ModelRole.LOCAL, v -> v)), clean, SIGMAS, "a", "b", 43,
                250);
        assertFalse(Arrays.equals(first, other.inputs.get(0).data()), "another seed, other noise");
    }

    @Test
    void aModelReturningNaNIsNamed() {
        RecordingDenoiser broken = new RecordingDenoiser("broken", ModelRole.LOCAL, v -> Double.NaN);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> X0Errors.measure(
                models(new RecordingDenoiser("ok", ModelRole.GLOBAL, v -> v), broken), clean, SIGMAS, "ok", "broken", 1,
                100));
        assertTrue(e.getMessage().contains("model 'broken' returned NaN at sigma 0.1"), e.getMessage());
    }

    @Test
    void deltaNeedsBothModels() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> X0Errors.measure(
                models(new RecordingDenoiser("g", ModelRole.GLOBAL, v -> v), new RecordingDenoiser("l", ModelRole.LOCAL,
                        v -> v)), clean, SIGMAS, "g", "local-r4", 1, 100));
        assertTrue(e.getMessage().contains("local model 'local-r4'"), e.getMessage());
    }

    private static Map<String, RecordingDenoiser> models(RecordingDenoiser global, RecordingDenoiser local) {
        Map<String, RecordingDenoiser> m = new LinkedHashMap<>();
        m.put(global.name(), global);
        m.put(local.name(), local);
        return m;
    }
}
