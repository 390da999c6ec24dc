package dev.phaseflow.models;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A model folder's {@code model.json}, validated (see {@link ManifestReader}).
 *
 * @param folder           the model's folder
 * @param name             unique name in the zoo
 * @param role             global, local or classifier
 * @param file             the .onnx file, relative to the folder
 * @param sha256           expected digest of the .onnx file
 * @param dataset          what it was trained on
 * @param image            the image shape it was trained on
 * @param inputs           network inputs in call order (image first)
 * @param outputs          network outputs (first is the prediction)
 * @param parameterisation what a denoiser predicts; empty for classifiers
 * @param noise            how a denoiser sees noise; empty for classifiers
 * @param sigmaMin         smallest sigma it was trained on (0 when not a denoiser)
 * @param sigmaMax         largest sigma it was trained on (0 when not a denoiser)
 * @param receptiveRadius  local models: output pixel depends on the (2r+1)^2 window; -1 otherwise
 * @param classes          classifier class names; empty otherwise
 * @param golden           golden tensor files by "inputs"/"outputs" then tensor name
 * @param raw              the whole manifest, for fields only reports read (training, x0_mse)
 */
public record ModelManifest(
        Path folder,
        String name,
        ModelRole role,
        String file,
        String sha256,
        String dataset,
        ImageShape image,
        List<TensorSpec> inputs,
        List<TensorSpec> outputs,
        Optional<Parameterisation> parameterisation,
        Optional<NoiseConvention> noise,
        double sigmaMin,
        double sigmaMax,
        int receptiveRadius,
        List<String> classes,
        Map<String, Map<String, String>> golden,
        JsonNode raw) {

    /** Channels, height and width of an image. */
    public record ImageShape(int channels, int height, int width) {
        @Override
        public String toString() {
            return channels + "x" + height + "x" + width;
        }
    }

    /** A named tensor with its shape; -1 marks a free dimension. */
    public record TensorSpec(String name, long[] shape) {
        public boolean fixed(int axis) {
            return shape[axis] >= 0;
        }

        @Override
        public String toString() {
            return name + java.util.Arrays.toString(shape);
        }
    }

    public Path onnxFile() {
        return folder.resolve(file);
    }

    public Path manifestFile() {
        return folder.resolve(ManifestReader.FILE_NAME);
    }

    /** The model's own serving settings ({@code serving} in model.json; absent fields: the engine's defaults). */
    public ModelServing serving() {
        return ModelServing.parse(raw, manifestFile());
    }

    public boolean isDenoiser() {
        return role != ModelRole.CLASSIFIER;
    }

    /** Whether the network takes images of any height and width (free spatial axes). */
    public boolean anyImageSize() {
        TensorSpec x = inputs.get(0);
        return !x.fixed(2) && !x.fixed(3);
    }
}
