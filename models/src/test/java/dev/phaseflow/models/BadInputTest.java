package dev.phaseflow.models;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every bad input gets an exception that names the file or model and the field or value. */
class BadInputTest {
    @TempDir
    Path tmp;

    private static void assertMentions(Exception e, String... parts) {
        for (String p : parts) {
            assertTrue(e.getMessage().contains(p), "message '" + e.getMessage() + "' should mention '" + p + "'");
        }
    }

    private Path broken(String edit, String replacement) throws IOException {
        Path folder = Fixtures.copy("affine-eps-ve", tmp.resolve("m"));
        Path manifest = folder.resolve("model.json");
        String json = Files.readString(manifest);
        assertTrue(json.contains(edit), "fixture manifest should contain " + edit);
        Files.writeString(manifest, json.replace(edit, replacement));
        return folder;
    }

    private ModelException load(Path folder) {
        return assertThrows(ModelException.class,
                () -> OnnxModel.open(ManifestReader.read(folder), SessionConfig.defaults()).close());
    }

    @Test
    void missingManifestField() throws IOException {
        ModelException e = load(broken("\"role\": \"global\",", ""));
        assertMentions(e, "model.json", "'role'", "missing");
    }

    @Test
    void manifestFieldOfWrongType() throws IOException {
        ModelException e = load(broken("\"height\": 28", "\"height\": \"28\""));
        assertMentions(e, "model.json", "'image.height'", "integer");
    }

    @Test
    void shapeOfWrongType() throws IOException {
        ModelException e = load(broken("\"shape\": [\n        -1\n      ]", "\"shape\": \"n\""));
        assertMentions(e, "model.json", "'inputs[1].shape'", "array");
    }

    @Test
    void unknownRoleAndConvention() throws IOException {
        assertMentions(load(broken("\"role\": \"global\"", "\"role\": \"huge\"")), "'role'", "huge");
        Path other = tmp.resolve("other");
        Fixtures.copy("affine-eps-ve", other);
        Files.writeString(other.resolve("model.json"),
                Files.readString(other.resolve("model.json")).replace("\"convention\": \"ve\"", "\"convention\": \"vq\""));
        assertMentions(load(other), "'noise.convention'", "vq");
    }

    @Test
    void parameterisationThatDoesNotFitTheConvention() throws IOException {
        assertMentions(load(broken("\"parameterisation\": \"eps\"", "\"parameterisation\": \"v\"")),
                "'parameterisation'", "'v'", "'ve'");
    }

    @Test
    void invalidJson() throws IOException {
        Path folder = Fixtures.copy("affine-eps-ve", tmp.resolve("m"));
        Files.writeString(folder.resolve("model.json"), "{\"name\": ");
        assertMentions(load(folder), "model.json", "not valid JSON");
    }

    @Test
    void missingOnnxFile() throws IOException {
        Path folder = Fixtures.copy("affine-eps-ve", tmp.resolve("m"));
        Files.delete(folder.resolve("model.onnx"));
        assertMentions(load(folder), "model.onnx", "not found", "'file'");
    }

    @Test
    void digestMismatch() throws IOException {
        Path folder = Fixtures.copy("affine-eps-ve", tmp.resolve("m"));
        byte[] bytes = Files.readAllBytes(folder.resolve("model.onnx"));
        bytes[bytes.length - 1] ^= 1;
        Files.write(folder.resolve("model.onnx"), bytes);
        assertMentions(load(folder), "model.onnx", "sha256 mismatch", "'sha256'");
    }

    @Test
    void corruptOnnxWithMatchingDigest() throws IOException {
        Path folder = Fixtures.copy("affine-eps-ve", tmp.resolve("m"));
        Files.writeString(folder.resolve("model.onnx"), "this is not a protobuf");
        String digest = OnnxModel.sha256(folder.resolve("model.onnx"));
        Path manifest = folder.resolve("model.json");
        Files.writeString(manifest, Files.readString(manifest).replaceAll("\"sha256\": \"[0-9a-f]+\"", "\"sha256\": \"" + digest + "\""));
        assertMentions(load(folder), "model.onnx", "not a loadable ONNX model");
    }

    @Test
    void manifestInputNameNotInGraph() throws IOException {
        assertMentions(load(broken("\"name\": \"t\"", "\"name\": \"time\"")), "'inputs[1].name'", "time");
    }

    @Test
    void wrongChannelsAndWrongSizeForAGlobalModel() {
        try (OnnxModel model = Fixtures.open("affine-eps-ve")) {
            OnnxDenoiser d = new OnnxDenoiser(model);
            assertMentions(assertThrows(InvalidInputException.class,
                    () -> d.denoise(ImageBatch.zeros(1, 3, 28, 28), new double[] {1})), "affine-eps-ve", "1 channel", "1x3x28x28");
            assertMentions(assertThrows(InvalidInputException.class,
                    () -> d.denoise(ImageBatch.zeros(1, 1, 32, 28), new double[] {1})), "28x28 images only", "32x28");
        }
    }

    @Test
    void nonFiniteInputsAndSigmas() {
        try (OnnxModel model = Fixtures.open("affine-eps-ve")) {
            OnnxDenoiser d = new OnnxDenoiser(model);
            ImageBatch nan = ImageBatch.zeros(2, 1, 28, 28);
            nan.data()[784 + 5] = Float.NaN;
            assertMentions(assertThrows(InvalidInputException.class, () -> d.denoise(nan, new double[] {1, 1})),
                    "image 1", "NaN");
            ImageBatch inf = ImageBatch.zeros(1, 1, 28, 28);
            inf.data()[3] = Float.POSITIVE_INFINITY;
            assertMentions(assertThrows(InvalidInputException.class, () -> d.denoise(inf, new double[] {1})), "Infinity");
            ImageBatch ok = ImageBatch.zeros(1, 1, 28, 28);
            assertMentions(assertThrows(InvalidInputException.class, () -> d.denoise(ok, new double[] {0})), "sigma", "positive");
            assertMentions(assertThrows(InvalidInputException.class, () -> d.denoise(ok, new double[] {Double.NaN})), "sigma");
            assertMentions(assertThrows(InvalidInputException.class, () -> d.denoise(ok, new double[] {1, 2})), "2 sigma values for 1 images");
        }
    }

    @Test
    void nanOutputIsReportedWithModelAndSample() {
        try (OnnxModel model = Fixtures.open("nan-output")) {
            OnnxDenoiser d = new OnnxDenoiser(model);
            ModelOutputException e = assertThrows(ModelOutputException.class,
                    () -> d.denoise(ImageBatch.zeros(2, 1, 28, 28), new double[] {1, 2}));
            assertMentions(e, "nan-output", "NaN", "output 'out'", "sample 0");
        }
    }

    @Test
    void tilingRefusesAGlobalModel() {
        try (OnnxModel model = Fixtures.open("affine-eps-ve")) {
            assertMentions(assertThrows(ModelException.class, () -> new TiledDenoiser(model, 8)), "local");
        }
    }
}
