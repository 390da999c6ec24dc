package dev.phaseflow.reports;

import dev.phaseflow.pipeline.calibration.CalibrationReport;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * calibration.png: x0 errors, Delta, CMI and Markov length over log sigma, the window and
 * speciation marked. The calibration writes router.json and calibration.json; the command that
 * ran it draws this figure beside them (other measurements of the same run add panels to it).
 */
public final class CalibrationFigure {
    private static final Color CLASS_MARKER = new Color(0x9467bd);
    private static final Color DISAGREEMENT = Color.BLACK;

    private CalibrationFigure() {}

    /** Writes calibration.png of the report alone into the folder. */
    public static void write(CalibrationReport r, Path folder) throws IOException {
        of(r).writePng(folder.resolve(CalibrationReport.PNG_FILE));
    }

    /** calibration.png as a figure, for callers that add panels of their own before writing it. */
    public static Figure of(CalibrationReport r) {
        double[] sigma = r.grid();
        String subtitle = String.format(Locale.ROOT, "%d images, tolerance %.2f: window [%.3g, %.3g] (%s), "
                        + "%s: %.0f%% of steps global, speed-up %.2fx over global-only", r.images(), r.tolerance(),
                r.plan().windowLo(), r.plan().windowHi(), r.plan().windowSource().id(), r.schedule().schedule(),
                100 * r.schedule().globalShare(), r.schedule().speedUp());
        Figure f = new Figure("Phase calibration: " + shortName(r.dataset()), 2).subtitle(subtitle).panelSize(620, 400);

        Panel errors = f.panel("x0 error per model (mean squared, per pixel)").logX().logY().xLabel("σ")
                .yLabel("E|D(x;σ) - x0|²");
        for (Map.Entry<String, double[]> e : r.errors().mse().entrySet()) {
            errors.line(e.getKey(), sigma, e.getValue());
        }
        // black, apart from the palette: its eighth colour is grey, which a zoo of 8 models reaches
        errors.line("|D_g - D_l|²", sigma, r.errors().disagreement(), DISAGREEMENT);
        marks(errors, r);

        Panel delta = f.panel("Δ(σ): " + r.globalModel() + " vs " + r.localModel()).logX().xLabel("σ")
                .yLabel("E|D_g - D_l|² / Var(x0)");
        delta.line("Δ", sigma, r.delta());
        delta.line("Δ ÷ spread of D_g instead", sigma, r.errors().delta(), DISAGREEMENT);
        delta.level(r.deltaThreshold(), "threshold " + r.deltaThreshold());
        marks(delta, r);

        Panel cmi = f.panel("Gaussian CMI I(A : C_r | B_r), central pixels").logX().logY().xLabel("σ")
                .yLabel("nats");
        double[][] byRadius = transpose(r.cmi().cmi());
        for (int k = 0; k < byRadius.length; k++) {
            cmi.line("r = " + r.cmi().radii()[k], sigma, byRadius[k]);
        }
        marks(cmi, r);

        Panel xi = f.panel("Markov length ξ(σ), fit of log I = c - r/ξ").logX().xLabel("σ").yLabel("ξ (pixels)");
        xi.line("ξ", sigma, r.cmi().markovLength());
        marks(xi, r);
        return f;
    }

    /** The window, sigma_s and the class-pair sigma_c range, on every panel. */
    private static void marks(Panel p, CalibrationReport r) {
        p.band(r.plan().windowLo(), r.plan().windowHi(), "window (" + r.plan().windowSource().id() + ")");
        p.marker(r.spectralSigma(), String.format(Locale.ROOT, "σ_s = %.3g", r.spectralSigma()));
        double[] range = r.classSigmaRange();
        if (range.length == 2) {
            p.marker(range[0], String.format(Locale.ROOT, "class σ_c min %.3g", range[0]), CLASS_MARKER);
            if (range[1] > range[0]) {
                p.marker(range[1], String.format(Locale.ROOT, "class σ_c max %.3g", range[1]), CLASS_MARKER);
            }
        }
    }

    private static double[][] transpose(double[][] m) {
        int cols = m.length == 0 ? 0 : m[0].length;
        double[][] t = new double[cols][m.length];
        for (int i = 0; i < m.length; i++) {
            for (int j = 0; j < cols; j++) {
                t[j][i] = m[i][j];
            }
        }
        return t;
    }

    /** The last two path elements of a data source (a full path is long for a title). */
    private static String shortName(String source) {
        java.nio.file.Path p = java.nio.file.Path.of(source);
        int n = p.getNameCount();
        return n >= 2 ? p.subpath(n - 2, n).toString() : source;
    }
}
