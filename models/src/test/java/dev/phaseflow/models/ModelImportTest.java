package dev.phaseflow.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code phaseflow models import} on the fixture diffusers-style UNet (eps prediction, linear-beta VP,
 * inputs 'sample' and 'timestep'; made by models/training/make_size_fixtures.py, untrained).
 */
class ModelImportTest {
    private static final String FIXTURE = "diffusers-eps-linear";

    @TempDir
    Path zoo;

    private static ModelImport.Request request() {
        return ModelImport.Request.denoiser(Fixtures.folder(FIXTURE).resolve("model.onnx"), ModelRole.GLOBAL,
                Parameterisation.EPS, "vp-linear", List.of("sample", "timestep")).withName("imported-unet");
    }

    private ModelImport.Result importFixture(UnaryOperator<ModelImport.Request> change) {
        return ModelImport.importModel(change.apply(request()), zoo, SessionConfig.defaults().withIntraOpThreads(1));
    }

    @Test
    void writesAManifestWhoseGoldenTensorsReproduce() throws IOException {
        ModelImport.Result result = importFixture(r -> r);
        assertTrue(result.report().ok(), result.report().describe());
        ModelManifest m = ManifestReader.read(result.folder());
        assertEquals(new ModelManifest.ImageShape(3, 32, 32), m.image());
        assertEquals("vp-linear", m.noise().orElseThrow().id());
        assertEquals(List.of("sample", "timestep"), m.inputs().stream().map(ModelManifest.TensorSpec::name).toList());
        assertEquals("noise_pred", m.outputs().get(0).name());
        assertEquals(OnnxModel.sha256(m.onnxFile()), m.sha256());
        assertEquals(Files.size(Fixtures.folder(FIXTURE).resolve("model.onnx")), Files.size(m.onnxFile()));
        // the golden tensors are a seeded run: importing twice gives the same files
        Path again = Files.createDirectory(zoo.resolve("again"));
        ModelImport.Result second = ModelImport.importModel(request(), again, SessionConfig.defaults().withIntraOpThreads(1));
        for (String file : m.golden().get("inputs").values()) {
            assertEquals(-1, Files.mismatch(m.folder().resolve(file), second.folder().resolve(file)), file);
        }
        assertEquals(-1, Files.mismatch(m.folder().resolve("golden/output_noise_pred.npy"),
                second.folder().resolve("golden/output_noise_pred.npy")));
        try (OnnxModel model = OnnxModel.open(m, SessionConfig.defaults().withIntraOpThreads(1))) {
            assertTrue(ZooValidation.goldenDiffs(model).get("noise_pred") <= 1e-6);
            // and ONNX Runtime agrees with PyTorch on the fixture script's reference input
            Path ref = Fixtures.folder(FIXTURE).resolve("reference/golden");
            Npy.Tensor x = Npy.read(ref.resolve("input_sample.npy"));
            Npy.Tensor t = Npy.read(ref.resolve("input_timestep.npy"));
            float[] torch = Npy.read(ref.resolve("output_noise_pred.npy")).values();
            float[] onnx = model.run(new FloatBuffer[] {fill(0, x.values()), fill(1, t.values())},
                    new long[][] {x.shape(), t.shape()})[0];
            assertTrue(Fixtures.maxAbsDiff(torch, onnx) < 1e-4, "ONNX Runtime vs PyTorch " + Fixtures.maxAbsDiff(torch, onnx));
        }
    }

    @Test
    void wrapperTurnsEpsUnderLinearBetaIntoX0() {
        ModelImport.Result result = importFixture(r -> r);
        double[] sigmas = {0.01, 0.4, 2.5, 60.0};
        double betaMin = 0.1;
        double betaMax = 20.0;
        try (OnnxModel model = OnnxModel.open(ManifestReader.read(result.folder()), SessionConfig.defaults().withIntraOpThreads(1))) {
            ImageBatch x = Fixtures.gaussian(sigmas.length, 3, 32, 32, 3, 1.5f);
            ImageBatch x0 = new OnnxDenoiser(model).denoise(x, sigmas);
            int size = x.imageSize();
            // the raw network at the closed-form input: x_vp = x / sqrt(1 + sigma^2), t solves
            // beta_min t + (beta_max - beta_min) t^2 / 2 = log(1 + sigma^2); x0 = x - sigma * eps
            FloatBuffer in = OnnxModel.inputBuffer(0, x.data().length);
            FloatBuffer time = OnnxModel.inputBuffer(1, sigmas.length);
            for (int i = 0; i < sigmas.length; i++) {
                double s = sigmas[i];
                float scale = (float) (1 / Math.sqrt(1 + s * s)); // in float32 as the network sees it
                for (int j = 0; j < size; j++) {
                    in.put(x.data()[i * size + j] * scale);
                }
                double half = (betaMax - betaMin) / 2;
                time.put((float) ((-betaMin + Math.sqrt(betaMin * betaMin + 4 * half * Math.log1p(s * s))) / (2 * half)));
            }
            float[] eps = model.run(new FloatBuffer[] {in, time}, new long[][] {{sigmas.length, 3, 32, 32}, {sigmas.length}})[0];
            double worst = 0;
            for (int i = 0; i < sigmas.length; i++) {
                for (int j = 0; j < size; j++) {
                    double want = x.data()[i * size + j] - sigmas[i] * eps[i * size + j];
                    worst = Math.max(worst, Math.abs(x0.data()[i * size + j] - want) / Math.max(1, Math.abs(want)));
                }
            }
            assertTrue(worst < 2e-5, "relative error " + worst);
        }
    }

    @Test
    void badRequestsNameWhatWasWrongAndLeaveNothing() throws IOException {
        assertMessage(r -> new ModelImport.Request(r.onnx(), r.name(), r.role(), r.parameterisation(), r.noise(), 0.1, 20, 0.008,
                0.002, 80, List.of("x", "timestep"), List.of(), r.image(), -1, List.of(), "test", false),
                "--input-names: the graph has no input 'x' (its inputs are [sample, timestep])");
        assertMessage(r -> new ModelImport.Request(r.onnx(), r.name(), r.role(), r.parameterisation(), r.noise(), 0.1, 20, 0.008,
                0.002, 80, List.of("sample"), List.of(), r.image(), -1, List.of(), "test", false), "--input-names: a global model takes 2");
        assertMessage(r -> r.withOutputNames(List.of("sample_out")), "--output-names: the graph has no output 'sample_out'");
        assertMessage(r -> new ModelImport.Request(r.onnx(), r.name(), r.role(), java.util.Optional.of(Parameterisation.V),
                java.util.Optional.of("ve"), 0.1, 20, 0.008, 0.002, 80, r.inputNames(), List.of(), r.image(), -1, List.of(), "test",
                false), "--parameterisation: 'v' does not go with --noise 've'");
        assertMessage(r -> new ModelImport.Request(r.onnx(), r.name(), r.role(), r.parameterisation(),
                java.util.Optional.of("ddpm"), 0.1, 20, 0.008, 0.002, 80, r.inputNames(), List.of(), r.image(), -1, List.of(),
                "test", false), "--noise: unknown convention 'ddpm'");
        assertMessage(r -> r.withImage(new ModelManifest.ImageShape(1, 32, 32)), "--image 1x32x32 does not fit input 'sample'");
        assertMessage(r -> new ModelImport.Request(r.onnx(), r.name(), ModelRole.LOCAL, r.parameterisation(), r.noise(), 0.1, 20,
                0.008, 0.002, 80, r.inputNames(), List.of(), r.image(), 2, List.of(), "test", false), "--role local: input 'sample' has fixed height");
        assertMessage(r -> new ModelImport.Request(zoo.resolve("missing.onnx"), r.name(), r.role(), r.parameterisation(), r.noise(),
                0.1, 20, 0.008, 0.002, 80, r.inputNames(), List.of(), r.image(), -1, List.of(), "test", false), "--onnx: file not found");
        Path garbage = Files.writeString(zoo.resolve("garbage.onnx"), "not a model");
        assertMessage(r -> new ModelImport.Request(garbage, r.name(), r.role(), r.parameterisation(), r.noise(),
                0.1, 20, 0.008, 0.002, 80, r.inputNames(), List.of(), r.image(), -1, List.of(), "test", false), "is not a loadable ONNX model");
        try (var left = Files.list(zoo)) {
            assertEquals(List.of(garbage), left.toList(), "a failed import leaves nothing in the zoo");
        }
        importFixture(r -> r);
        assertMessage(r -> r, "--name: " + zoo.resolve("imported-unet") + " already exists");
        assertTrue(importFixture(r -> r.withReplace(true)).report().ok());
    }

    @Test
    void fixedBatchAxisAndFreeImageAxesAreExplained(@TempDir Path other) throws IOException {
        // the fixture zoo's local model has free spatial axes: imported as a global model, it needs --image
        Path local = Fixtures.folder("zoo-rgb32/local-tiny/model.onnx");
        ModelImport.Request r = new ModelImport.Request(local, "l", ModelRole.GLOBAL, java.util.Optional.of(Parameterisation.V),
                java.util.Optional.of("vp-cosine"), 0.1, 20, 0.008, 0.002, 80, List.of("x", "t"), List.of(), java.util.Optional.empty(),
                -1, List.of(), "test", false);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ModelImport.importModel(r, other, SessionConfig.defaults().withIntraOpThreads(1)));
        assertTrue(e.getMessage().startsWith("--image: input 'x' has free axes"), e.getMessage());
        // as a local model with its radius it imports and tiles
        ModelImport.Result ok = ModelImport.importModel(new ModelImport.Request(local, "l", ModelRole.LOCAL, r.parameterisation(),
                r.noise(), 0.1, 20, 0.008, 0.002, 80, r.inputNames(), List.of(), java.util.Optional.of(new ModelManifest.ImageShape(3, 32, 32)),
                2, List.of(), "test", false), other, SessionConfig.defaults().withIntraOpThreads(1));
        assertTrue(ok.report().ok(), ok.report().describe());
        assertEquals(2, ManifestReader.read(ok.folder()).receptiveRadius());
        assertFalse(Files.exists(other.resolve(".l.importing")));
    }

    private void assertMessage(UnaryOperator<ModelImport.Request> change, String expected) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> importFixture(change));
        assertTrue(e.getMessage().startsWith(expected) || e.getMessage().contains(expected), e.getMessage());
    }

    private static FloatBuffer fill(int slot, float[] values) {
        FloatBuffer b = OnnxModel.inputBuffer(slot, values.length);
        b.put(values);
        return b;
    }
}
