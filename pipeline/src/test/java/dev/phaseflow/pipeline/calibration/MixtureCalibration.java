package dev.phaseflow.pipeline.calibration;

import dev.phaseflow.models.Denoiser;
import dev.phaseflow.pipeline.TwoGaussianMixture;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A calibration and a locality profile of the two-Gaussian mixture, whose speciation and exact
 * denoiser are known: the fixture of the calibration tests here and of the reports module's figures.
 */
public final class MixtureCalibration {
    public static final int RADIUS = 2;
    public static final String LOCAL = "local-r" + RADIUS;
    public static final TwoGaussianMixture MIXTURE = TwoGaussianMixture.standard();
    public static final SigmaGrid GRID = new SigmaGrid(0.01, 80, 40);

    private MixtureCalibration() {}

    /** The exact denoiser (global) and a local one of radius {@link #RADIUS}. */
    public static Map<String, Denoiser> models() {
        Map<String, Denoiser> m = new LinkedHashMap<>();
        m.put(TwoGaussianMixture.EXACT_NAME, MIXTURE.exactDenoiser());
        m.put(LOCAL, MIXTURE.localDenoiser(RADIUS));
        return m;
    }

    /** 200 images on a 40-point grid, writing into the folder. */
    public static CalibrationConfig config(Path folder) {
        // the costs of a large global network and a small local one (timing the fixture says nothing)
        return CalibrationConfig.of(models(), TwoGaussianMixture.EXACT_NAME, LOCAL, MIXTURE.sample(2000, 11), folder)
                .withImages(200).withGrid(GRID).withCosts(Map.of(TwoGaussianMixture.EXACT_NAME, 10e-3, LOCAL, 1e-3));
    }

    /** A small locality profile (6 held-out images, radii 1..3, 5 sigmas) inside the calibration's window. */
    public static LocalityReport locality(CalibrationReport calibration) {
        LocalityCalibration.Settings settings = LocalityCalibration.Settings.defaults().withImages(6)
                .withTrainingImages(300).withMaxRadius(3).withGrid(new SigmaGrid(0.1, 20, 5)).withThreads(2)
                .withStatisticsImages(200);
        return LocalityCalibration.measure(models(), Map.of(LOCAL, RADIUS), MIXTURE.sample(200, 51),
                MIXTURE.sample(300, 52), settings, calibration.plan().windowLo(), calibration.plan().windowHi(),
                message -> {});
    }
}
