package dev.phaseflow.pipeline.calibration;

import dev.phaseflow.models.Denoiser;
import dev.phaseflow.models.ModelManifest;
import dev.phaseflow.models.ModelRole;
import dev.phaseflow.models.ModelZoo;
import dev.phaseflow.models.data.Datasets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.function.Consumer;

/**
 * Calibrates every denoiser of a zoo on the Fashion-MNIST test split and writes router.json and
 * calibration.json ({@code phaseflow calibrate} is the command line and draws calibration.png).
 * The global model defaults to "global-unet" when the zoo has it, else to the zoo's only global
 * model; the local model likewise to "local-r4" or the only local model.
 */
public final class ZooCalibration {
    static final String DEFAULT_GLOBAL = "global-unet";
    static final String DEFAULT_LOCAL = "local-r4";

    private ZooCalibration() {}

    /**
     * Calibrates every denoiser of a zoo on the Fashion-MNIST test split and writes the outputs to {@code out}.
     * A null global or local name picks the default (see {@link #defaultModel}).
     */
    public static CalibrationReport calibrate(ModelZoo zoo, String global, String local, Path out, OptionalInt images,
                                              OptionalInt points, OptionalDouble tolerance, Consumer<String> progress)
            throws java.io.IOException {
        String g = global != null ? global : defaultModel(zoo, ModelRole.GLOBAL, DEFAULT_GLOBAL);
        String l = local != null ? local : defaultModel(zoo, ModelRole.LOCAL, DEFAULT_LOCAL);
        Map<String, Denoiser> models = new LinkedHashMap<>();
        for (ModelManifest m : zoo.manifests()) {
            if (m.isDenoiser()) {
                models.put(m.name(), zoo.denoiser(m.name()));
            }
        }
        CalibrationConfig config = CalibrationConfig.of(models, g, l, Datasets.fashionMnistTest(zoo.folder()), out);
        if (images.isPresent()) {
            config = config.withImages(images.getAsInt());
        }
        if (points.isPresent()) {
            SigmaGrid grid = config.grid();
            config = config.withGrid(new SigmaGrid(grid.min(), grid.max(), points.getAsInt()));
        }
        if (tolerance.isPresent()) {
            config = config.withTolerance(tolerance.getAsDouble());
        }
        progress.accept("calibrating " + models.keySet() + " from " + zoo.folder() + " (global " + g + ", local " + l + ")");
        return new Calibrator(config).calibrate(progress);
    }

    /** The preferred name when the zoo has it, else the zoo's only model of that role. */
    static String defaultModel(ModelZoo zoo, ModelRole role, String preferred) {
        List<String> names = zoo.byRole(role).stream().map(ModelManifest::name).toList();
        if (names.contains(preferred)) {
            return preferred;
        }
        if (names.size() == 1) {
            return names.get(0);
        }
        String option = role == ModelRole.GLOBAL ? "--global" : "--local";
        throw new IllegalArgumentException(zoo.folder() + ": " + (names.isEmpty() ? "no " + role.id() + " model"
                : "several " + role.id() + " models " + names + ", none named '" + preferred + "'")
                + "; name one with " + option);
    }
}
