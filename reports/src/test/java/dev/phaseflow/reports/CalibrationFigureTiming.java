package dev.phaseflow.reports;

import dev.phaseflow.pipeline.calibration.CalibrationReport;
import dev.phaseflow.pipeline.calibration.Calibrator;
import dev.phaseflow.pipeline.calibration.MixtureCalibration;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * Not a test: times drawing calibration.png of the two-Gaussian mixture's calibration (the
 * CalibratorTest fixture: 40 sigmas, 2 models), render alone and render + PNG, and prints the
 * medians. Run from the repository root:
 *
 * <pre>
 * mvn -q -pl reports -am -DskipTests package dependency:build-classpath -Dmdep.outputFile=target/test-classpath.txt
 * java -Djava.awt.headless=true -cp "reports/target/test-classes:reports/target/classes:$(cat reports/target/test-classpath.txt)" \
 *     dev.phaseflow.reports.CalibrationFigureTiming [runs, default 15] [folder for the PNG]
 * </pre>
 */
public final class CalibrationFigureTiming {
    private static final int WARM_UP = 5;

    private CalibrationFigureTiming() {}

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 15;
        Path folder = args.length > 1 ? Files.createDirectories(Path.of(args[1])) : Files.createTempDirectory("timing");
        CalibrationReport report = new Calibrator(MixtureCalibration.config(folder)).measure(message -> {});
        double[] render = new double[runs];
        double[] png = new double[runs];
        for (int i = -WARM_UP; i < runs; i++) {
            long t0 = System.nanoTime();
            CalibrationFigure.of(report).render();
            long t1 = System.nanoTime();
            CalibrationFigure.write(report, folder);
            long t2 = System.nanoTime();
            if (i >= 0) {
                render[i] = (t1 - t0) / 1e6;
                png[i] = (t2 - t1) / 1e6;
            }
        }
        System.out.printf(Locale.ROOT, "after (JFreeChart): render %s; render+PNG %s; %d runs after %d warm-up; %s%n",
                stats(render), stats(png), runs, WARM_UP, folder.resolve(CalibrationReport.PNG_FILE));
    }

    private static String stats(double[] ms) {
        double[] s = ms.clone();
        Arrays.sort(s);
        return String.format(Locale.ROOT, "median %.1f ms [min %.1f, max %.1f]", s[s.length / 2], s[0], s[s.length - 1]);
    }
}
