package dev.phaseflow.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The shipped zoo: manifests valid, ONNX outputs equal PyTorch's golden tensors within 1e-4. */
class ZooGoldenTest {
    static ModelZoo zoo;

    @BeforeAll
    static void open() {
        zoo = ModelZoo.open(ModelZoo.defaultFolder(), SessionConfig.defaults().withIntraOpThreads(1));
    }

    @AfterAll
    static void close() {
        zoo.close();
    }

    @Test
    void zooHasEveryRole() {
        assertFalse(zoo.byRole(ModelRole.GLOBAL).isEmpty());
        assertFalse(zoo.byRole(ModelRole.LOCAL).isEmpty());
        assertEquals(1, zoo.byRole(ModelRole.CLASSIFIER).size());
        for (String name : List.of("global-unet", "local-r4", "gaussian", "classifier")) {
            assertEquals(name, zoo.manifest(name).name());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"global-unet", "local-r4", "gaussian", "classifier"})
    void onnxMatchesPyTorchGolden(String name) throws IOException {
        Map<String, Double> diffs = ZooValidation.goldenDiffs(zoo.session(name));
        assertEquals(zoo.manifest(name).outputs().size(), diffs.size(), name + ": a golden tensor per output");
        diffs.forEach((output, diff) -> assertTrue(diff <= 1e-4, name + " output " + output + ": max abs diff " + diff));
    }

    @Test
    void validationReportsEveryModelOk() {
        for (ModelManifest m : zoo.manifests()) {
            ZooValidation.Report r = ZooValidation.validate(m, SessionConfig.defaults().withIntraOpThreads(1));
            assertTrue(r.ok(), r.describe());
        }
    }

    /**
     * The whole Java path of the local model (padding, coordinate channels, time, v -> x0) against the
     * golden tensors, which Python built for a 28x19 image.
     */
    @Test
    void localWrapperReproducesPythonInputAssembly() throws IOException {
        ModelManifest m = zoo.manifest("local-r4");
        int r = m.receptiveRadius();
        Npy.Tensor xin = Npy.read(m.folder().resolve(m.golden().get("inputs").get("x")));
        Npy.Tensor tin = Npy.read(m.folder().resolve(m.golden().get("inputs").get("t")));
        Npy.Tensor v = Npy.read(m.folder().resolve(m.golden().get("outputs").get("v")));
        int n = (int) xin.shape()[0];
        int ph = (int) xin.shape()[2];
        int pw = (int) xin.shape()[3];
        int h = ph - 2 * r;
        int w = pw - 2 * r;
        NoiseConvention noise = m.noise().orElseThrow();
        double[] sigma = new double[n];
        float[] x = new float[n * h * w];
        float[] expected = new float[n * h * w];
        for (int i = 0; i < n; i++) {
            sigma[i] = invertTime(noise, tin.values()[i]);
            double scale = Math.sqrt(1 + sigma[i] * sigma[i]);
            for (int y = 0; y < h; y++) {
                for (int xx = 0; xx < w; xx++) {
                    float xvp = xin.values()[((i * 3) * ph + y + r) * pw + xx + r];
                    float vv = v.values()[(i * h + y) * w + xx];
                    x[(i * h + y) * w + xx] = (float) (xvp * scale);
                    expected[(i * h + y) * w + xx] = (float) ((xvp - sigma[i] * vv) / scale);
                }
            }
        }
        ImageBatch x0 = zoo.denoiser("local-r4", 8).denoise(new ImageBatch(n, 1, h, w, x), sigma);
        double diff = Fixtures.maxAbsDiff(expected, x0.data());
        assertTrue(diff <= 1e-4, "local-r4 " + h + "x" + w + " through the Java wrapper: max abs diff " + diff);
    }

    @Test
    void shippedHeldoutLoads() throws IOException {
        var data = dev.phaseflow.models.data.Datasets.idx(zoo.folder().resolve("heldout"), "t10k");
        assertEquals(2000, data.count());
        assertEquals(2000, data.labels().orElseThrow().length);
        assertTrue(data.images().data()[0] >= -1f && data.images().data()[0] <= 1f);
    }

    private static double invertTime(NoiseConvention c, double t) {
        double lo = 1e-6;
        double hi = 1e4;
        for (int k = 0; k < 200; k++) {
            double mid = Math.sqrt(lo * hi);
            if (c.time(mid) < t) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return Math.sqrt(lo * hi);
    }

    static Path zooFolder() {
        return zoo.folder();
    }
}
