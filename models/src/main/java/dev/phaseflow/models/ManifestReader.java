package dev.phaseflow.models;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.phaseflow.models.ModelManifest.ImageShape;
import dev.phaseflow.models.ModelManifest.TensorSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Reads and validates {@code model.json}. Every error names the manifest file and the field,
 * so a user validating their own model folder knows what to fix.
 */
public final class ManifestReader {
    public static final String FILE_NAME = "model.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;

    private ManifestReader(Path file) {
        this.file = file;
    }

    /** Reads the manifest of a model folder. */
    public static ModelManifest read(Path folder) {
        return new ManifestReader(folder.resolve(FILE_NAME)).parse(folder);
    }

    private ModelManifest parse(Path folder) {
        JsonNode root;
        try {
            root = JSON.readTree(Files.readString(file));
        } catch (NoSuchFileException e) {
            throw new ModelException(file + ": manifest not found");
        } catch (JsonProcessingException e) {
            throw new ModelException(file + ": not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new ModelException(file + ": cannot read: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw fail("(root)", "must be a JSON object");
        }
        String name = text(root, "name");
        ModelRole role = parseRole(text(root, "role"));
        String onnx = text(root, "file");
        String sha = text(root, "sha256");
        if (!sha.matches("[0-9a-f]{64}")) {
            throw fail("sha256", "must be 64 lowercase hex digits, got '" + sha + "'");
        }
        String dataset = text(root, "dataset");
        JsonNode imageNode = object(root, "image");
        ImageShape image = new ImageShape(positiveInt(imageNode, "image.channels"),
                positiveInt(imageNode, "image.height"), positiveInt(imageNode, "image.width"));
        List<TensorSpec> inputs = tensors(root, "inputs");
        List<TensorSpec> outputs = tensors(root, "outputs");
        Optional<Parameterisation> param = Optional.empty();
        Optional<NoiseConvention> noise = Optional.empty();
        double sigmaMin = 0;
        double sigmaMax = 0;
        int radius = -1;
        List<String> classes = List.of();
        if (role == ModelRole.CLASSIFIER) {
            if (outputs.size() < 2) {
                throw fail("outputs", "a classifier needs two outputs (logits, features), got " + outputs.size());
            }
            classes = stringList(root, "classes");
        } else {
            if (inputs.size() != 2) {
                throw fail("inputs", "a denoiser needs two inputs (image, time), got " + inputs.size());
            }
            try {
                param = Optional.of(Parameterisation.parse(text(root, "parameterisation")));
            } catch (IllegalArgumentException e) {
                throw fail("parameterisation", e.getMessage());
            }
            JsonNode noiseNode = object(root, "noise");
            NoiseConvention convention = convention(noiseNode);
            if (!convention.supports(param.get())) {
                throw fail("parameterisation", "'" + param.get().name().toLowerCase(Locale.ROOT)
                        + "' does not go with noise convention '" + convention.id() + "'");
            }
            noise = Optional.of(convention);
            sigmaMin = positiveNumber(noiseNode, "noise.sigma_min");
            sigmaMax = positiveNumber(noiseNode, "noise.sigma_max");
            if (sigmaMax <= sigmaMin) {
                throw fail("noise.sigma_max", "must exceed noise.sigma_min");
            }
            TensorSpec x = inputs.get(0);
            if (x.shape().length != 4) {
                throw fail("inputs[0].shape", "image input must have 4 axes (N, C, H, W)");
            }
            if (role == ModelRole.LOCAL) {
                radius = nonNegativeInt(root, "receptive_radius");
                if (x.fixed(2) || x.fixed(3)) {
                    throw fail("inputs[0].shape", "a local model must take any height and width (-1)");
                }
                if (x.shape()[1] != image.channels() + 2) {
                    throw fail("inputs[0].shape", "a local model takes the image channels plus 2 coordinate channels ("
                            + (image.channels() + 2) + "), got " + x.shape()[1]);
                }
            } else if (x.shape()[1] != image.channels()) {
                throw fail("inputs[0].shape", "channel axis " + x.shape()[1] + " differs from image.channels "
                        + image.channels());
            }
        }
        Map<String, Map<String, String>> golden = new LinkedHashMap<>();
        JsonNode goldenNode = root.get("golden");
        if (goldenNode != null) {
            goldenNode.fields().forEachRemaining(kind -> {
                Map<String, String> files = new LinkedHashMap<>();
                kind.getValue().fields().forEachRemaining(f -> files.put(f.getKey(), f.getValue().asText()));
                golden.put(kind.getKey(), files);
            });
        }
        if (role != ModelRole.CLASSIFIER) {
            ModelServing.parse(root, file); // checked here so a bad value stops the zoo's load, not the engine's start
        } else if (root.has(ModelServing.FIELD)) {
            throw fail(ModelServing.FIELD, "applies to denoisers only (the classifier runs on the diagnostics' actor)");
        }
        return new ModelManifest(folder, name, role, onnx, sha, dataset, image, inputs, outputs, param, noise,
                sigmaMin, sigmaMax, radius, classes, golden, root);
    }

    private ModelRole parseRole(String role) {
        for (ModelRole r : ModelRole.values()) {
            if (r.id().equals(role)) {
                return r;
            }
        }
        throw fail("role", "must be global, local or classifier, got '" + role + "'");
    }

    private NoiseConvention convention(JsonNode noise) {
        String id = text(noise, "noise.convention");
        return switch (id) {
            case "ve" -> new NoiseConvention.Ve();
            case "vp-cosine" -> new NoiseConvention.VpCosine(
                    noise.has("s") ? number(noise, "noise.s") : 0.008);
            case "vp-linear" -> new NoiseConvention.VpLinear(
                    positiveNumber(noise, "noise.beta_min"), positiveNumber(noise, "noise.beta_max"));
            case "rectified-flow" -> new NoiseConvention.RectifiedFlow();
            default -> throw fail("noise.convention",
                    "unknown convention '" + id + "' (expected ve, vp-cosine, vp-linear or rectified-flow)");
        };
    }

    private List<TensorSpec> tensors(JsonNode root, String field) {
        JsonNode node = root.get(field);
        if (node == null) {
            throw fail(field, "is missing");
        }
        if (!node.isArray() || node.isEmpty()) {
            throw fail(field, "must be a non-empty array of {name, shape}");
        }
        List<TensorSpec> specs = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            String where = field + "[" + i + "]";
            JsonNode t = node.get(i);
            String name = text(t, where + ".name");
            JsonNode shape = t.get("shape");
            if (shape == null) {
                throw fail(where + ".shape", "is missing");
            }
            if (!shape.isArray()) {
                throw fail(where + ".shape", "must be an array of integers, got " + type(shape));
            }
            long[] dims = new long[shape.size()];
            for (int k = 0; k < dims.length; k++) {
                if (!shape.get(k).canConvertToLong() || !shape.get(k).isIntegralNumber()) {
                    throw fail(where + ".shape", "must be an array of integers, got " + shape);
                }
                dims[k] = shape.get(k).asLong();
            }
            specs.add(new TensorSpec(name, dims));
        }
        return List.copyOf(specs);
    }

    private List<String> stringList(JsonNode root, String field) {
        JsonNode node = root.get(field);
        if (node == null) {
            throw fail(field, "is missing");
        }
        if (!node.isArray()) {
            throw fail(field, "must be an array of strings, got " + type(node));
        }
        List<String> out = new ArrayList<>();
        node.forEach(n -> out.add(n.asText()));
        return List.copyOf(out);
    }

    /** Fields may be dotted paths for messages; the last segment is looked up in {@code node}. */
    private JsonNode field(JsonNode node, String path) {
        JsonNode value = node.get(path.substring(path.lastIndexOf('.') + 1));
        if (value == null || value.isNull()) {
            throw fail(path, "is missing");
        }
        return value;
    }

    private String text(JsonNode node, String path) {
        JsonNode value = field(node, path);
        if (!value.isTextual()) {
            throw fail(path, "must be a string, got " + type(value));
        }
        if (value.asText().isBlank()) {
            throw fail(path, "must not be empty");
        }
        return value.asText();
    }

    private JsonNode object(JsonNode node, String path) {
        JsonNode value = field(node, path);
        if (!value.isObject()) {
            throw fail(path, "must be an object, got " + type(value));
        }
        return value;
    }

    private double number(JsonNode node, String path) {
        JsonNode value = field(node, path);
        if (!value.isNumber()) {
            throw fail(path, "must be a number, got " + type(value));
        }
        return value.asDouble();
    }

    private double positiveNumber(JsonNode node, String path) {
        double v = number(node, path);
        if (!(v > 0) || !Double.isFinite(v)) {
            throw fail(path, "must be a positive number, got " + v);
        }
        return v;
    }

    private int nonNegativeInt(JsonNode node, String path) {
        JsonNode value = field(node, path);
        if (!value.isIntegralNumber()) {
            throw fail(path, "must be an integer, got " + type(value));
        }
        if (value.asInt() < 0) {
            throw fail(path, "must not be negative, got " + value.asInt());
        }
        return value.asInt();
    }

    private int positiveInt(JsonNode node, String path) {
        int v = nonNegativeInt(node, path);
        if (v == 0) {
            throw fail(path, "must be positive");
        }
        return v;
    }

    private static String type(JsonNode n) {
        return n.getNodeType().name().toLowerCase(Locale.ROOT) + " " + n;
    }

    private ModelException fail(String field, String problem) {
        return new ModelException(file + ": field '" + field + "' " + problem);
    }
}
