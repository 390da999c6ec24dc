package dev.phaseflow.app;

import dev.phaseflow.models.ModelZoo;
import dev.phaseflow.pipeline.calibration.CalibrationReport;
import dev.phaseflow.pipeline.calibration.LocalityCalibration;
import dev.phaseflow.pipeline.calibration.LocalityReport;
import dev.phaseflow.pipeline.routing.RouterPlan;
import dev.phaseflow.reports.LocalityFigure;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;

/** The locality part of {@code phaseflow calibrate} (--locality, --locality-only). */
final class LocalityCommand {
    private LocalityCommand() {}

    /** --locality-only: locality.json and locality.png, the window read from the zoo's router.json when there is one. */
    static int standalone(CalibrateCommand c, ModelZoo zoo, Path target) throws IOException {
        double lo = Double.NaN;
        double hi = Double.NaN;
        Path router = zoo.folder().resolve(RouterPlan.FILE_NAME);
        if (Files.isRegularFile(router)) {
            RouterPlan plan = RouterPlan.read(router);
            lo = plan.windowLo();
            hi = plan.windowHi();
        }
        LocalityReport report = measure(c, zoo, lo, hi);
        report.writeStandalone(target);
        LocalityFigure.writeStandalone(report, target);
        out(c).print(report.text());
        out(c).println("wrote " + LocalityReport.JSON_FILE + " and " + LocalityReport.PNG_FILE + " to " + target);
        return 0;
    }

    /** --locality: the profile into calibration.json and calibration.png, beside the calibration just made. */
    static LocalityReport into(CalibrateCommand c, ModelZoo zoo, CalibrationReport calibration, Path target) throws IOException {
        LocalityReport report = measure(c, zoo, calibration.plan().windowLo(), calibration.plan().windowHi());
        report.writeInto(calibration, target);
        LocalityFigure.writeInto(report, calibration, target);
        out(c).print(report.text());
        out(c).println("added '" + LocalityReport.KEY + "' to " + CalibrationReport.JSON_FILE + " and its panels to "
                + CalibrationReport.PNG_FILE + " in " + target);
        return report;
    }

    private static LocalityReport measure(CalibrateCommand c, ModelZoo zoo, double lo, double hi) throws IOException {
        LocalityCalibration.Settings s = LocalityCalibration.Settings.defaults();
        if (c.localityImages != null) {
            s = s.withImages(c.localityImages);
        }
        if (c.localityTrain != null) {
            s = s.withTrainingImages(c.localityTrain);
        }
        if (c.tolerance != null) {
            s = s.withTolerance(c.tolerance);
        }
        int channels = zoo.manifests().get(0).image().channels();
        return LocalityCalibration.forZoo(zoo, LocalityCalibration.trainingImages(c.localityData, channels, zoo.folder()), s, lo, hi,
                message -> c.spec.commandLine().getErr().println("  " + message));
    }

    private static PrintWriter out(CalibrateCommand c) {
        return c.spec.commandLine().getOut();
    }
}
