package dev.phaseflow.models;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.phaseflow.models.ModelManifest.ImageShape;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * Imports an existing ONNX model into a zoo: checks the graph against what the user says it is
 * (role, parameterisation, noise convention, input and output names), writes the model folder with
 * {@code model.json}, the sha256 and golden tensors from one ONNX Runtime run on a deterministic
 * input, then validates the folder with {@link ZooValidation}. Nothing is left in the zoo when a
 * check fails; every error names the option or the graph tensor that was wrong.
 */
public final class ModelImport {
    /** Sigmas of the golden run: one in the data phase, one in the noise phase. */
    static final double[] GOLDEN_SIGMAS = {0.1, 3.0};
    private static final long GOLDEN_SEED = 20261201L;
    private static final ObjectMapper JSON = new ObjectMapper();

    private ModelImport() {}

    /**
     * What the user says the model is.
     *
     * @param onnx             the .onnx file
     * @param name             model name in the zoo (also its folder name)
     * @param role             global, local or classifier
     * @param parameterisation what a denoiser predicts (empty for a classifier)
     * @param noise            a denoiser's noise convention: ve, vp-linear, vp-cosine or rectified-flow
     * @param betaMin          vp-linear: beta at t = 0
     * @param betaMax          vp-linear: beta at t = 1
     * @param cosineS          vp-cosine: the offset s
     * @param sigmaMin         smallest sigma the model was trained for
     * @param sigmaMax         largest sigma the model was trained for
     * @param inputNames       graph inputs in call order: image and time for a denoiser, the image for a classifier
     * @param outputNames      graph outputs to use (empty: all of them, in graph order)
     * @param image            channels, height and width of the data (empty: from the graph's fixed axes)
     * @param receptiveRadius  local models: the receptive radius r; -1 otherwise
     * @param classes          classifier class names
     * @param dataset          what the model was trained on
     * @param replace          whether an existing model folder of that name may be replaced
     */
    public record Request(Path onnx, String name, ModelRole role, Optional<Parameterisation> parameterisation,
                          Optional<String> noise, double betaMin, double betaMax, double cosineS, double sigmaMin,
                          double sigmaMax, List<String> inputNames, List<String> outputNames, Optional<ImageShape> image,
                          int receptiveRadius, List<String> classes, String dataset, boolean replace) {

        /** A denoiser with the defaults (linear beta 0.1..20, cosine s 0.008, sigma 0.002..80). */
        public static Request denoiser(Path onnx, ModelRole role, Parameterisation p, String noise, List<String> inputNames) {
            return new Request(onnx, stem(onnx), role, Optional.of(p), Optional.of(noise), 0.1, 20.0, 0.008, 0.002, 80.0,
                    inputNames, List.of(), Optional.empty(), -1, List.of(), "imported", false);
        }

        public Request withName(String n) {
            return new Request(onnx, n, role, parameterisation, noise, betaMin, betaMax, cosineS, sigmaMin, sigmaMax,
                    inputNames, outputNames, image, receptiveRadius, classes, dataset, replace);
        }

        public Request withOutputNames(List<String> names) {
            return new Request(onnx, name, role, parameterisation, noise, betaMin, betaMax, cosineS, sigmaMin, sigmaMax,
                    inputNames, names, image, receptiveRadius, classes, dataset, replace);
        }

        public Request withImage(ImageShape shape) {
            return new Request(onnx, name, role, parameterisation, noise, betaMin, betaMax, cosineS, sigmaMin, sigmaMax,
                    inputNames, outputNames, Optional.of(shape), receptiveRadius, classes, dataset, replace);
        }

        public Request withReceptiveRadius(int r) {
            return new Request(onnx, name, role, parameterisation, noise, betaMin, betaMax, cosineS, sigmaMin, sigmaMax,
                    inputNames, outputNames, image, r, classes, dataset, replace);
        }

        public Request withReplace(boolean r) {
            return new Request(onnx, name, role, parameterisation, noise, betaMin, betaMax, cosineS, sigmaMin, sigmaMax,
                    inputNames, outputNames, image, receptiveRadius, classes, dataset, r);
        }
    }

    /** The imported folder and its validation report. */
    public record Result(Path folder, ZooValidation.Report report) {}

    /** Parses "CxHxW", e.g. 3x32x32. */
    public static ImageShape parseImage(String text) {
        String[] parts = text.toLowerCase(Locale.ROOT).split("x");
        try {
            if (parts.length == 3) {
                int c = Integer.parseInt(parts[0]);
                int h = Integer.parseInt(parts[1]);
                int w = Integer.parseInt(parts[2]);
                if (c > 0 && h > 0 && w > 0) {
                    return new ImageShape(c, h, w);
                }
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("--image: expected CxHxW with positive integers (e.g. 3x32x32), got '" + text + "'");
    }

    /**
     * Imports into {@code zoo/<name>}. Throws {@link IllegalArgumentException} for a request that does not
     * fit the graph; returns a failed report (and leaves nothing in the zoo) when validation fails.
     */
    public static Result importModel(Request r, Path zoo, SessionConfig config) {
        checkRequest(r);
        Path target = zoo.resolve(r.name());
        if (Files.exists(target) && !r.replace()) {
            throw new IllegalArgumentException("--name: " + target + " already exists (choose another name or --replace)");
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        Path staging = zoo.resolve("." + r.name() + ".importing");
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(1);
            OrtSession session;
            try {
                session = env.createSession(r.onnx().toString(), options);
            } catch (OrtException e) {
                throw new IllegalArgumentException("--onnx: " + r.onnx() + " is not a loadable ONNX model: " + e.getMessage(), e);
            }
            try (session) {
                Graph graph = inspect(r, session);
                deleteRecursively(staging);
                Files.createDirectories(staging.resolve("golden"));
                Files.copy(r.onnx(), staging.resolve("model.onnx"));
                ObjectNode golden = writeGolden(r, graph, env, session, staging);
                ObjectNode manifest = manifest(r, graph, OnnxModel.sha256(staging.resolve("model.onnx")), golden);
                JSON.writerWithDefaultPrettyPrinter().writeValue(staging.resolve(ManifestReader.FILE_NAME).toFile(), manifest);
            }
            ZooValidation.Report report = ZooValidation.validate(ManifestReader.read(staging), config);
            if (!report.ok()) {
                deleteRecursively(staging);
                return new Result(target, report);
            }
            deleteRecursively(target);
            Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
            return new Result(target, ZooValidation.validate(ManifestReader.read(target), config));
        } catch (OrtException e) {
            deleteRecursively(staging);
            throw new ModelException(r.onnx() + ": ONNX Runtime failed on the import run: " + e.getMessage(), e);
        } catch (IOException e) {
            deleteRecursively(staging);
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            deleteRecursively(staging);
            throw e;
        }
    }

    private static void checkRequest(Request r) {
        if (!Files.isRegularFile(r.onnx())) {
            throw new IllegalArgumentException("--onnx: file not found: " + r.onnx());
        }
        if (r.name().isBlank() || !r.name().matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
            throw new IllegalArgumentException("--name: '" + r.name() + "' must be letters, digits, '.', '_' or '-'");
        }
        boolean denoiser = r.role() != ModelRole.CLASSIFIER;
        int wantInputs = denoiser ? 2 : 1;
        if (r.inputNames().size() != wantInputs) {
            throw new IllegalArgumentException("--input-names: a " + r.role().id() + " model takes " + wantInputs
                    + (denoiser ? " inputs (image, time)" : " input (image)") + ", got " + r.inputNames());
        }
        if (denoiser) {
            Parameterisation p = r.parameterisation().orElseThrow(
                    () -> new IllegalArgumentException("--parameterisation is required for a " + r.role().id() + " model"));
            NoiseConvention n = convention(r);
            if (!n.supports(p)) {
                throw new IllegalArgumentException("--parameterisation: '" + p.name().toLowerCase(Locale.ROOT)
                        + "' does not go with --noise '" + n.id() + "' (v needs vp-cosine or vp-linear, flow rectified-flow)");
            }
            if (!(r.sigmaMin() > 0) || !(r.sigmaMax() > r.sigmaMin()) || !Double.isFinite(r.sigmaMax())) {
                throw new IllegalArgumentException("--sigma-min/--sigma-max: need 0 < min < max, got " + r.sigmaMin()
                        + " and " + r.sigmaMax());
            }
        } else if (r.classes().size() < 2) {
            throw new IllegalArgumentException("--classes: a classifier needs at least 2 class names, got " + r.classes());
        }
        if (r.role() == ModelRole.LOCAL && r.receptiveRadius() < 0) {
            throw new IllegalArgumentException("--receptive-radius: required for a local model (output pixel depends on "
                    + "the (2r+1)^2 input window)");
        }
    }

    private static NoiseConvention convention(Request r) {
        String id = r.noise().orElseThrow(() -> new IllegalArgumentException("--noise is required for a " + r.role().id() + " model"));
        return switch (id) {
            case "ve" -> new NoiseConvention.Ve();
            case "vp-cosine" -> new NoiseConvention.VpCosine(r.cosineS());
            case "vp-linear" -> {
                if (!(r.betaMin() > 0) || !(r.betaMax() >= r.betaMin())) {
                    throw new IllegalArgumentException("--beta-min/--beta-max: need 0 < min <= max, got " + r.betaMin()
                            + " and " + r.betaMax());
                }
                yield new NoiseConvention.VpLinear(r.betaMin(), r.betaMax());
            }
            case "rectified-flow" -> new NoiseConvention.RectifiedFlow();
            default -> throw new IllegalArgumentException("--noise: unknown convention '" + id
                    + "' (expected ve, vp-cosine, vp-linear or rectified-flow)");
        };
    }

    /** The graph's tensors as the manifest will declare them, after checking them against the request. */
    private record Graph(ImageShape image, List<long[]> inputShapes, List<String> outputs, List<long[]> outputShapes) {}

    private static Graph inspect(Request r, OrtSession session) throws OrtException {
        Map<String, NodeInfo> inputs = session.getInputInfo();
        Map<String, NodeInfo> outputs = session.getOutputInfo();
        List<long[]> shapes = new ArrayList<>();
        for (int i = 0; i < r.inputNames().size(); i++) {
            String name = r.inputNames().get(i);
            NodeInfo info = inputs.get(name);
            if (info == null) {
                throw new IllegalArgumentException("--input-names: the graph has no input '" + name + "' (its inputs are "
                        + inputs.keySet() + ")");
            }
            shapes.add(floatShape("--input-names: input '" + name + "'", info));
        }
        if (inputs.size() != r.inputNames().size()) {
            List<String> extra = new ArrayList<>(inputs.keySet());
            extra.removeAll(r.inputNames());
            throw new IllegalArgumentException("--input-names: the graph also takes " + extra
                    + "; phaseflow feeds only " + r.inputNames() + " (export a wrapper that fixes the others)");
        }
        long[] x = shapes.get(0);
        String xName = r.inputNames().get(0);
        if (x.length != 4) {
            throw new IllegalArgumentException("--input-names: image input '" + xName + "' must have 4 axes (N, C, H, W), has shape "
                    + Arrays.toString(x));
        }
        if (x[0] >= 0) {
            throw new IllegalArgumentException("--onnx: input '" + xName + "' has a fixed batch size " + x[0]
                    + "; export it with a dynamic batch axis (dynamic_axes={'" + xName + "': {0: 'n'}})");
        }
        if (r.role() != ModelRole.CLASSIFIER) {
            long[] t = shapes.get(1);
            if (t.length != 1) {
                throw new IllegalArgumentException("--input-names: time input '" + r.inputNames().get(1)
                        + "' must have one axis (one time per image), has shape " + Arrays.toString(t));
            }
        }
        ImageShape image = imageShape(r, x, xName);
        x[1] = image.channels() + (r.role() == ModelRole.LOCAL ? 2 : 0); // the manifest states the channels even where the axis is free
        List<String> outNames = r.outputNames().isEmpty()
                ? (r.role() == ModelRole.CLASSIFIER ? List.copyOf(outputs.keySet()) : List.of(outputs.keySet().iterator().next()))
                : r.outputNames();
        List<long[]> outShapes = new ArrayList<>();
        for (String name : outNames) {
            NodeInfo info = outputs.get(name);
            if (info == null) {
                throw new IllegalArgumentException("--output-names: the graph has no output '" + name + "' (its outputs are "
                        + outputs.keySet() + ")");
            }
            outShapes.add(floatShape("--output-names: output '" + name + "'", info));
        }
        if (r.role() == ModelRole.CLASSIFIER && outNames.size() < 2) {
            throw new IllegalArgumentException("--output-names: a classifier needs two outputs (logits, features), the graph gives "
                    + outNames);
        }
        if (r.role() != ModelRole.CLASSIFIER) {
            long[] o = outShapes.get(0);
            if (o.length != 4 || (o[1] >= 0 && o[1] != image.channels())) {
                throw new IllegalArgumentException("--output-names: denoiser output '" + outNames.get(0) + "' must be (N, "
                        + image.channels() + ", H, W), has shape " + Arrays.toString(o));
            }
        }
        return new Graph(image, shapes, outNames, outShapes);
    }

    private static long[] floatShape(String what, NodeInfo info) {
        if (!(info.getInfo() instanceof TensorInfo t)) {
            throw new IllegalArgumentException(what + " is not a tensor");
        }
        if (t.type != OnnxJavaType.FLOAT) {
            throw new IllegalArgumentException(what + " has type " + t.type.name().toLowerCase(Locale.ROOT)
                    + "; phaseflow feeds float32 (export a wrapper that casts, e.g. a time input to int64)");
        }
        return t.getShape();
    }

    private static ImageShape imageShape(Request r, long[] x, String xName) {
        int extra = r.role() == ModelRole.LOCAL ? 2 : 0;
        if (r.role() == ModelRole.LOCAL && (x[2] >= 0 || x[3] >= 0)) {
            throw new IllegalArgumentException("--role local: input '" + xName + "' has fixed height or width "
                    + Arrays.toString(x) + "; a local model takes any size (export with dynamic axes 2 and 3)");
        }
        if (r.image().isPresent()) {
            ImageShape s = r.image().get();
            if ((x[1] >= 0 && x[1] != s.channels() + extra) || (extra == 0 && ((x[2] >= 0 && x[2] != s.height())
                    || (x[3] >= 0 && x[3] != s.width())))) {
                throw new IllegalArgumentException("--image " + s + " does not fit input '" + xName + "' of shape "
                        + Arrays.toString(x) + (extra > 0 ? " (a local model takes the channels plus 2 coordinate channels)" : ""));
            }
            return s;
        }
        if (x[1] < 0 || x[2] < 0 || x[3] < 0) {
            throw new IllegalArgumentException("--image: input '" + xName + "' has free axes " + Arrays.toString(x)
                    + "; say the data's shape, e.g. --image 3x32x32");
        }
        return new ImageShape((int) x[1] - extra, (int) x[2], (int) x[3]);
    }

    /** One ONNX Runtime run on a seeded input; its tensors become the golden files. */
    private static ObjectNode writeGolden(Request r, Graph g, OrtEnvironment env, OrtSession session, Path folder)
            throws OrtException, IOException {
        int n = GOLDEN_SIGMAS.length;
        int pad = r.role() == ModelRole.LOCAL ? r.receptiveRadius() : 0;
        ImageShape s = g.image();
        long[] xShape = {n, s.channels() + (r.role() == ModelRole.LOCAL ? 2 : 0), s.height() + 2L * pad, s.width() + 2L * pad};
        float[] x = new float[Math.toIntExact(xShape[0] * xShape[1] * xShape[2] * xShape[3])];
        SplittableRandom rnd = new SplittableRandom(GOLDEN_SEED);
        int perImage = x.length / n;
        Map<String, float[]> inputs = new LinkedHashMap<>();
        Map<String, long[]> inputShapes = new LinkedHashMap<>();
        if (r.role() == ModelRole.CLASSIFIER) {
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) (2 * rnd.nextDouble() - 1);
            }
        } else {
            NoiseConvention conv = convention(r);
            float[] t = new float[n];
            for (int i = 0; i < n; i++) {
                NoiseConvention.Conversion c = conv.conversion(r.parameterisation().orElseThrow(), GOLDEN_SIGMAS[i]);
                for (int j = i * perImage; j < (i + 1) * perImage; j++) {
                    x[j] = (float) (c.inputScale() * GOLDEN_SIGMAS[i] * gaussian(rnd));
                }
                t[i] = c.time();
            }
            inputs.put(r.inputNames().get(1), t);
            inputShapes.put(r.inputNames().get(1), new long[] {n});
        }
        Map<String, float[]> ordered = new LinkedHashMap<>();
        ordered.put(r.inputNames().get(0), x);
        ordered.putAll(inputs);
        inputShapes.put(r.inputNames().get(0), xShape);
        ObjectNode golden = JSON.createObjectNode();
        ObjectNode in = golden.putObject("inputs");
        ObjectNode out = golden.putObject("outputs");
        Map<String, OnnxTensor> feed = new LinkedHashMap<>();
        try {
            for (Map.Entry<String, float[]> e : ordered.entrySet()) {
                FloatBuffer buf = DirectBuffers.get(feed.size(), e.getValue().length);
                buf.put(e.getValue()).rewind();
                feed.put(e.getKey(), OnnxTensor.createTensor(env, buf, inputShapes.get(e.getKey())));
                String file = "golden/input_" + e.getKey() + ".npy";
                Npy.write(folder.resolve(file), inputShapes.get(e.getKey()), e.getValue());
                in.put(e.getKey(), file);
            }
            try (OrtSession.Result result = session.run(feed, new java.util.LinkedHashSet<>(g.outputs()))) {
                for (String name : g.outputs()) {
                    OnnxTensor tensor = (OnnxTensor) result.get(name).orElseThrow();
                    FloatBuffer values = tensor.getFloatBuffer();
                    float[] v = new float[values.remaining()];
                    values.get(v);
                    for (float f : v) {
                        if (!Float.isFinite(f)) {
                            throw new IllegalArgumentException("--onnx: output '" + name + "' is " + f
                                    + " on the seeded import input (a denoiser must give finite values)");
                        }
                    }
                    String file = "golden/output_" + name + ".npy";
                    Npy.write(folder.resolve(file), tensor.getInfo().getShape(), v);
                    out.put(name, file);
                }
            }
        } finally {
            feed.values().forEach(OnnxTensor::close);
        }
        return golden;
    }

    private static double gaussian(SplittableRandom rnd) {
        // Box-Muller on SplittableRandom: the same values on every JVM
        double u = 1.0 - rnd.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rnd.nextDouble());
    }

    private static ObjectNode manifest(Request r, Graph g, String sha, ObjectNode golden) {
        ObjectNode m = JSON.createObjectNode();
        m.put("name", r.name());
        m.put("role", r.role().id());
        m.put("description", "imported from " + r.onnx().getFileName());
        m.put("file", "model.onnx");
        m.put("dataset", r.dataset());
        ObjectNode image = m.putObject("image");
        image.put("channels", g.image().channels()).put("height", g.image().height()).put("width", g.image().width());
        image.putArray("range").add(-1.0).add(1.0);
        tensors(m.putArray("inputs"), r.inputNames(), g.inputShapes());
        tensors(m.putArray("outputs"), g.outputs(), g.outputShapes());
        if (r.role() == ModelRole.CLASSIFIER) {
            ArrayNode classes = m.putArray("classes");
            r.classes().forEach(classes::add);
        } else {
            m.put("parameterisation", r.parameterisation().orElseThrow().name().toLowerCase(Locale.ROOT));
            NoiseConvention conv = convention(r);
            ObjectNode noise = m.putObject("noise");
            noise.put("convention", conv.id());
            if (conv instanceof NoiseConvention.VpLinear l) {
                noise.put("beta_min", l.betaMin()).put("beta_max", l.betaMax());
            } else if (conv instanceof NoiseConvention.VpCosine c) {
                noise.put("s", c.s());
            }
            noise.put("sigma_min", r.sigmaMin()).put("sigma_max", r.sigmaMax());
        }
        if (r.role() == ModelRole.LOCAL) {
            m.put("receptive_radius", r.receptiveRadius());
        }
        m.putObject("training").put("steps", 0).putNull("final_loss").put("loss", "imported (trained elsewhere)");
        m.putObject("imported").put("source", r.onnx().toAbsolutePath().toString())
                .put("golden", "one ONNX Runtime run at import, seed " + GOLDEN_SEED + ", sigmas " + Arrays.toString(GOLDEN_SIGMAS));
        m.put("sha256", sha);
        m.set("golden", golden);
        return m;
    }

    private static void tensors(ArrayNode array, List<String> names, List<long[]> shapes) {
        for (int i = 0; i < names.size(); i++) {
            ArrayNode shape = array.addObject().put("name", names.get(i)).putArray("shape");
            for (long d : shapes.get(i)) {
                shape.add(d < 0 ? -1 : d);
            }
        }
    }

    /** The default model name: the file name without {@code .onnx}. */
    public static String stem(Path file) {
        String n = file.getFileName().toString();
        return n.endsWith(".onnx") ? n.substring(0, n.length() - 5) : n;
    }

    private static void deleteRecursively(Path folder) {
        if (!Files.exists(folder)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(folder)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
