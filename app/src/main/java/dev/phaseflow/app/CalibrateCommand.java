package dev.phaseflow.app;

import dev.phaseflow.models.ModelZoo;
import dev.phaseflow.pipeline.calibration.CalibrateMain;
import dev.phaseflow.pipeline.calibration.CalibrationReport;
import dev.phaseflow.pipeline.calibration.CalibrationSummary;
import java.nio.file.Path;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code phaseflow calibrate}: measure the zoo's models along sigma and write the router plan. */
@Command(name = "calibrate", mixinStandardHelpOptions = true,
        description = "Calibrate the zoo on held-out Fashion-MNIST: x0 error of every model along sigma, local/global "
                + "disagreement, spectral and class-pair speciation, Gaussian CMI; choose the hybrid plan and write "
                + "router.json, calibration.json and calibration.png.")
final class CalibrateCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Spec
    CommandSpec spec;

    @Option(names = "--out", description = "Output folder (default: the zoo folder, so router.json sits beside the models).")
    Path out;

    @Option(names = "--images", description = "Held-out images per sigma (default 500).")
    Integer images;

    @Option(names = "--points", description = "Log-spaced sigma points from 0.002 to 80 (default 48).")
    Integer points;

    @Option(names = "--tolerance", description = "Relative x0-error slack within which a cheaper model is chosen (default 0.05).")
    Double tolerance;

    @Option(names = "--global", description = "The plan's global model (default global-unet).")
    String global;

    @Option(names = "--local", description = "The plan's local model (default local-r4).")
    String local;

    @Option(names = "--locality", description = "Also measure the locality profile (empirical local posteriors of radius "
            + "1..8 and the full image, needed radius, reach of local models; no training) into calibration.json "
            + "(key 'locality') and calibration.png.")
    boolean locality;

    @Option(names = "--locality-only", description = "Measure only the locality profile and write locality.json and "
            + "locality.png; router.json and the calibration files stay as they are.")
    boolean localityOnly;

    @Option(names = "--locality-images", description = "Held-out images of the locality profile (default 100).")
    Integer localityImages;

    @Option(names = "--locality-train", description = "Training images in the empirical prior (default 4096).")
    Integer localityTrain;

    @Option(names = "--locality-data", paramLabel = "DIR", description = "Training images for the prior: an IDX folder "
            + "(train-images-idx3-ubyte) or a folder of PNGs (default: Debian's Fashion-MNIST training split).")
    Path localityData;

    @Override
    public Integer call() throws Exception {
        try (ModelZoo zoo = common.openZoo()) {
            Path target = out != null ? out : zoo.folder();
            if (localityOnly) {
                return LocalityCommand.standalone(this, zoo, target);
            }
            CalibrationReport report = CalibrateMain.calibrateZoo(zoo, global, local, target,
                    images == null ? OptionalInt.empty() : OptionalInt.of(images),
                    points == null ? OptionalInt.empty() : OptionalInt.of(points),
                    tolerance == null ? OptionalDouble.empty() : OptionalDouble.of(tolerance),
                    message -> spec.commandLine().getErr().println("  " + message));
            spec.commandLine().getOut().print(CalibrationSummary.text(report));
            spec.commandLine().getOut().println("wrote router.json, calibration.json and calibration.png to " + target);
            if (locality) {
                LocalityCommand.into(this, zoo, report, target);
            }
        }
        return 0;
    }
}
