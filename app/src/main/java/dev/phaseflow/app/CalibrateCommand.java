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

    @Override
    public Integer call() throws Exception {
        try (ModelZoo zoo = common.openZoo()) {
            Path target = out != null ? out : zoo.folder();
            CalibrationReport report = CalibrateMain.calibrateZoo(zoo, global, local, target,
                    images == null ? OptionalInt.empty() : OptionalInt.of(images),
                    points == null ? OptionalInt.empty() : OptionalInt.of(points),
                    tolerance == null ? OptionalDouble.empty() : OptionalDouble.of(tolerance),
                    message -> spec.commandLine().getErr().println("  " + message));
            spec.commandLine().getOut().print(CalibrationSummary.text(report));
            spec.commandLine().getOut().println("wrote router.json, calibration.json and calibration.png to " + target);
        }
        return 0;
    }
}
