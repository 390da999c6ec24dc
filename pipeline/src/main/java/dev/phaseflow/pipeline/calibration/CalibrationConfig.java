package dev.phaseflow.pipeline.calibration;

import dev.phaseflow.models.Denoiser;
import dev.phaseflow.models.ModelRole;
import dev.phaseflow.models.data.LabelledImages;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a calibration run measures and where it writes. Start from {@link #of} and change fields
 * with the {@code with...} methods.
 *
 * @param models           every denoiser the plan may choose from, by name
 * @param globalModel      the global model: its intervals make the window, Delta compares against it
 * @param localModel       the local model of the router plan's local and swapped modes
 * @param data             held-out images (labels, when present, give the class-pair speciation)
 * @param images           how many of the first images the x0 errors average over
 * @param statisticsImages how many of the first images the covariance (sigma_s, CMI) and the
 *                         class pairs are computed from
 * @param grid             the sigma grid
 * @param tolerance        relative x0-error slack: a model within (1 + tolerance) x the best is good enough
 * @param deltaThreshold   Delta above this marks the window when the global model is never chosen
 * @param seed             of the noise every model sees
 * @param batchSize        images per model call in the error sweep
 * @param costs            seconds per image by model; empty: measure them ({@link ModelCosts#measure})
 * @param outputFolder     where router.json and calibration.json go
 */
public record CalibrationConfig(Map<String, Denoiser> models, String globalModel, String localModel,
                                LabelledImages data, int images, int statisticsImages, SigmaGrid grid,
                                double tolerance, double deltaThreshold, long seed, int batchSize,
                                Map<String, Double> costs, Path outputFolder) {

    public static final int DEFAULT_IMAGES = 500;
    public static final int DEFAULT_STATISTICS_IMAGES = 10_000;
    /**
     * Chosen by measurement on the Fashion-MNIST zoo: tolerance 0.05 gave hybrid an FD within 8% of
     * global-only's at 2.2x its speed, 0.10 an FD 34% worse at 2.8x (see the README).
     */
    public static final double DEFAULT_TOLERANCE = 0.05;
    public static final double DEFAULT_DELTA_THRESHOLD = 0.10;
    public static final long DEFAULT_SEED = 20_250_601L;
    public static final int DEFAULT_BATCH = 100;

    public CalibrationConfig {
        if (models == null || models.isEmpty()) {
            throw bad("models", "must name at least one denoiser");
        }
        models = Collections.unmodifiableMap(new LinkedHashMap<>(models));
        requireRole(models, "globalModel", globalModel, ModelRole.GLOBAL);
        requireRole(models, "localModel", localModel, ModelRole.LOCAL);
        if (data == null || data.count() < 2) {
            throw bad("data", "needs at least 2 images");
        }
        if (images < 1) {
            throw bad("images", "must be at least 1, got " + images);
        }
        if (statisticsImages < 2) {
            throw bad("statisticsImages", "must be at least 2, got " + statisticsImages);
        }
        if (grid == null) {
            throw bad("grid", "is missing");
        }
        if (!(tolerance >= 0) || !Double.isFinite(tolerance)) {
            throw bad("tolerance", "must be a finite number >= 0, got " + tolerance);
        }
        if (!(deltaThreshold >= 0) || !Double.isFinite(deltaThreshold)) {
            throw bad("deltaThreshold", "must be a finite number >= 0, got " + deltaThreshold);
        }
        if (batchSize < 1) {
            throw bad("batchSize", "must be at least 1, got " + batchSize);
        }
        costs = inModelOrder(costs == null ? Map.of() : costs, models);
        if (outputFolder == null) {
            throw bad("outputFolder", "is missing");
        }
    }

    /** Defaults: 500 images, 48-point grid 0.002..80, tolerance 0.05, costs measured. */
    public static CalibrationConfig of(Map<String, Denoiser> models, String globalModel, String localModel,
                                       LabelledImages data, Path outputFolder) {
        return new CalibrationConfig(models, globalModel, localModel, data, DEFAULT_IMAGES, DEFAULT_STATISTICS_IMAGES,
                SigmaGrid.DEFAULT, DEFAULT_TOLERANCE, DEFAULT_DELTA_THRESHOLD, DEFAULT_SEED, DEFAULT_BATCH, Map.of(),
                outputFolder);
    }

    public CalibrationConfig withImages(int n) {
        return new CalibrationConfig(models, globalModel, localModel, data, n, statisticsImages, grid, tolerance,
                deltaThreshold, seed, batchSize, costs, outputFolder);
    }

    public CalibrationConfig withStatisticsImages(int n) {
        return new CalibrationConfig(models, globalModel, localModel, data, images, n, grid, tolerance, deltaThreshold,
                seed, batchSize, costs, outputFolder);
    }

    public CalibrationConfig withGrid(SigmaGrid g) {
        return new CalibrationConfig(models, globalModel, localModel, data, images, statisticsImages, g, tolerance,
                deltaThreshold, seed, batchSize, costs, outputFolder);
    }

    public CalibrationConfig withTolerance(double t) {
        return new CalibrationConfig(models, globalModel, localModel, data, images, statisticsImages, grid, t,
                deltaThreshold, seed, batchSize, costs, outputFolder);
    }

    public CalibrationConfig withDeltaThreshold(double t) {
        return new CalibrationConfig(models, globalModel, localModel, data, images, statisticsImages, grid, tolerance, t,
                seed, batchSize, costs, outputFolder);
    }

    public CalibrationConfig withSeed(long s) {
        return new CalibrationConfig(models, globalModel, localModel, data, images, statisticsImages, grid, tolerance,
                deltaThreshold, s, batchSize, costs, outputFolder);
    }

    public CalibrationConfig withBatchSize(int b) {
        return new CalibrationConfig(models, globalModel, localModel, data, images, statisticsImages, grid, tolerance,
                deltaThreshold, seed, b, costs, outputFolder);
    }

    /** Use these costs (seconds per image, every model) instead of measuring them. */
    public CalibrationConfig withCosts(Map<String, Double> c) {
        return new CalibrationConfig(models, globalModel, localModel, data, images, statisticsImages, grid, tolerance,
                deltaThreshold, seed, batchSize, c, outputFolder);
    }

    public CalibrationConfig withOutputFolder(Path folder) {
        return new CalibrationConfig(models, globalModel, localModel, data, images, statisticsImages, grid, tolerance,
                deltaThreshold, seed, batchSize, costs, folder);
    }

    /** Given costs, one per model, in the models' order (reports list models in that order). */
    private static Map<String, Double> inModelOrder(Map<String, Double> costs, Map<String, Denoiser> models) {
        if (costs.isEmpty()) {
            return Map.of();
        }
        for (String m : costs.keySet()) {
            if (!models.containsKey(m)) {
                throw bad("costs", "gives a cost for '" + m + "', which is not among the models " + models.keySet());
            }
        }
        Map<String, Double> ordered = new LinkedHashMap<>();
        for (String m : models.keySet()) {
            if (!costs.containsKey(m)) {
                throw bad("costs", "gives no cost for model '" + m + "' (give every model's cost, or none to measure)");
            }
            ordered.put(m, costs.get(m));
        }
        return Collections.unmodifiableMap(ordered);
    }

    private static void requireRole(Map<String, Denoiser> models, String field, String name, ModelRole role) {
        if (name == null || name.isBlank()) {
            throw bad(field, "is missing");
        }
        Denoiser d = models.get(name);
        if (d == null) {
            throw bad(field, "names '" + name + "', which is not among the models " + models.keySet());
        }
        if (d.role() != role) {
            throw bad(field, "names '" + name + "', whose role is " + d.role().id() + ", not " + role.id());
        }
    }

    private static IllegalArgumentException bad(String field, String problem) {
        return new IllegalArgumentException("calibration config: field '" + field + "' " + problem);
    }
}
