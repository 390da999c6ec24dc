package dev.phaseflow.models;

import java.io.IOException;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Checks a model folder end to end: manifest, digest, ONNX graph against the manifest, the
 * golden tensors (ONNX output against the exporter's within {@link #GOLDEN_TOLERANCE}), and for a
 * denoiser one call through the variance-exploding wrapper.
 */
public final class ZooValidation {
    public static final double GOLDEN_TOLERANCE = 1e-4;

    private ZooValidation() {}

    /** What was checked, and the largest golden difference per output. */
    public record Report(ModelManifest manifest, Map<String, Double> goldenMaxAbsDiff, List<String> problems) {
        public boolean ok() {
            return problems.isEmpty();
        }

        public String describe() {
            StringBuilder b = new StringBuilder();
            b.append(manifest.folder()).append(": model '").append(manifest.name()).append("' (").append(manifest.role().id())
                    .append(")\n");
            goldenMaxAbsDiff.forEach((k, v) -> b.append(String.format(Locale.ROOT, "  golden %s: max abs diff %.2e%n", k, v)));
            if (goldenMaxAbsDiff.isEmpty()) {
                b.append("  no golden tensors in the manifest\n");
            }
            problems.forEach(p -> b.append("  problem: ").append(p).append('\n'));
            b.append(ok() ? "  OK" : "  FAILED");
            return b.toString();
        }
    }

    public static Report validate(ModelManifest manifest, SessionConfig config) {
        List<String> problems = new ArrayList<>();
        Map<String, Double> diffs = new LinkedHashMap<>();
        try (OnnxModel model = OnnxModel.open(manifest, config)) {
            diffs.putAll(goldenDiffs(model));
            diffs.forEach((output, diff) -> {
                if (!(diff <= GOLDEN_TOLERANCE)) {
                    problems.add(String.format(Locale.ROOT, "golden output '%s' differs by %.2e (tolerance %.0e)", output, diff,
                            GOLDEN_TOLERANCE));
                }
            });
            if (manifest.isDenoiser()) {
                ModelManifest.ImageShape s = manifest.image();
                Denoiser d = manifest.role() == ModelRole.LOCAL ? new TiledDenoiser(model, 0) : new OnnxDenoiser(model);
                ImageBatch x0 = d.denoise(ImageBatch.zeros(2, s.channels(), s.height(), s.width()), new double[] {0.1, 10});
                if (x0.firstNonFinite() >= 0) {
                    problems.add("denoising zeros gave non-finite values");
                }
            }
        } catch (ModelException | IOException | IllegalArgumentException e) {
            problems.add(e.getMessage());
        }
        return new Report(manifest, diffs, problems);
    }

    /** Runs the golden inputs; returns the max abs difference to each golden output. */
    public static Map<String, Double> goldenDiffs(OnnxModel model) throws IOException {
        ModelManifest m = model.manifest();
        Map<String, String> inputs = m.golden().get("inputs");
        Map<String, String> outputs = m.golden().get("outputs");
        Map<String, Double> diffs = new LinkedHashMap<>();
        if (inputs == null || outputs == null) {
            return diffs;
        }
        FloatBuffer[] feed = new FloatBuffer[m.inputs().size()];
        long[][] shapes = new long[feed.length][];
        for (int i = 0; i < feed.length; i++) {
            String file = inputs.get(m.inputs().get(i).name());
            if (file == null) {
                throw new ModelException(m.manifestFile() + ": field 'golden.inputs' has no tensor for input '"
                        + m.inputs().get(i).name() + "'");
            }
            Npy.Tensor t = Npy.read(m.folder().resolve(file));
            feed[i] = OnnxModel.inputBuffer(i, t.values().length);
            feed[i].put(t.values());
            shapes[i] = t.shape();
        }
        float[][] got = model.run(feed, shapes);
        for (int i = 0; i < m.outputs().size(); i++) {
            String name = m.outputs().get(i).name();
            String file = outputs.get(name);
            if (file == null) {
                continue;
            }
            float[] want = Npy.read(m.folder().resolve(file)).values();
            double max = want.length == got[i].length ? 0 : Double.POSITIVE_INFINITY;
            for (int k = 0; k < Math.min(want.length, got[i].length); k++) {
                max = Math.max(max, Math.abs(want[k] - got[i][k]));
            }
            diffs.put(name, max);
        }
        return diffs;
    }
}
