package dev.phaseflow.reports;

import dev.phaseflow.pipeline.calibration.CalibrationReport;
import dev.phaseflow.pipeline.calibration.EmpiricalPosterior;
import dev.phaseflow.pipeline.calibration.LocalityProfile;
import dev.phaseflow.pipeline.calibration.LocalityReport;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The locality profile's figure panels: on their own as locality.png, or added to calibration.png
 * when the profile is measured beside a calibration.
 */
public final class LocalityFigure {
    private static final Color FULL = Color.BLACK;
    private static final Color GAUSSIAN = new Color(0xb8860b); // apart from the palette's grey (r = 8)

    private LocalityFigure() {}

    /** Writes locality.png into the folder. */
    public static void writeStandalone(LocalityReport report, Path folder) throws IOException {
        Figure f = new Figure("Locality: empirical local posteriors of growing radius", 2).subtitle(subtitle(report))
                .panelSize(620, 400);
        addPanels(report, f);
        f.writePng(folder.resolve(LocalityReport.PNG_FILE));
    }

    /** Writes calibration.png of the calibration with the locality panels added, into the folder. */
    public static void writeInto(LocalityReport report, CalibrationReport calibration, Path folder) throws IOException {
        Figure f = CalibrationFigure.of(calibration);
        addPanels(report, f);
        f.writePng(folder.resolve(CalibrationReport.PNG_FILE));
    }

    private static String subtitle(LocalityReport r) {
        LocalityProfile p = r.profile();
        return String.format(Locale.ROOT, "%d held-out images, %d training images, radii 1..%d, %d sigmas, tolerance "
                        + "%.2f; %s", p.queries(), r.trainingImages(), p.radii()[p.radii().length - 1],
                p.sigmas().length, p.tolerance(), r.peakSummary());
    }

    /** The locality panels: errors by radius, needed radius beside the Markov lengths, reach, convergence. */
    public static void addPanels(LocalityReport report, Figure f) {
        LocalityProfile p = report.profile();
        int trainingImages = report.trainingImages();
        double[] sigma = p.sigmas();
        int maxRadius = p.radii()[p.radii().length - 1];

        Panel errors = f.panel("Empirical local posterior x0 error (" + trainingImages + " training images)").logX()
                .logY().xLabel("σ").yLabel("E|D_r(x;σ) - x0|²");
        for (int r : p.radii()) {
            errors.line("r = " + r, sigma, p.errors(r));
        }
        errors.line("full image", sigma, p.errors(EmpiricalPosterior.FULL), FULL);
        if (!p.models().isEmpty()) {
            errors.line("best trained model", sigma, p.bestModel(), GAUSSIAN);
        }
        window(errors, report);

        Panel needed = f.panel(String.format(Locale.ROOT, "Needed radius (within %.0f%% of best; %d = beyond %d) and "
                + "Markov lengths", 100 * p.tolerance(), maxRadius + 1, maxRadius)).logX().xLabel("σ").yLabel("pixels");
        needed.line("needed radius vs best empirical", sigma, beyondAs(p.neededRadius(), maxRadius + 1));
        if (!p.models().isEmpty()) {
            needed.line("needed radius vs best of all", sigma, beyondAs(p.neededRadiusVsModels(), maxRadius + 1));
        }
        needed.line("needed radius, Gaussian control", sigma, beyondAs(p.neededRadiusGaussian(), maxRadius + 1));
        needed.line("gap decay length ξ_np", sigma, capped(p.gapLength(), 3 * (maxRadius + 1)));
        needed.line("Gaussian-CMI ξ", sigma, p.gaussianLength(), GAUSSIAN);
        window(needed, report);

        if (!p.models().isEmpty()) {
            Panel reach = f.panel("Reach: error ÷ best trained model (≤ 1 + tolerance: a local model could do)").logX()
                    .logY().xLabel("σ").yLabel("E|D - x0|² ÷ best trained");
            double[] best = p.bestModel();
            for (int r : p.radii()) {
                reach.line("empirical r = " + r, sigma, ratio(p.errors(r), best));
            }
            for (String m : p.localRadii().keySet()) {
                reach.line(m + " (trained)", sigma, ratio(p.models().get(m), best), FULL);
            }
            reach.level(1 + p.tolerance(), String.format(Locale.ROOT, "1 + %.2f", p.tolerance()));
            window(reach, report);
        }

        Panel convergence = f.panel("Training-subset size: error change to " + trainingImages + " images, max over r")
                .logX().logY().xLabel("σ").yLabel("max_r |e_n / e_N - 1|");
        for (int c = 0; c < p.subsets().length - 1; c++) {
            convergence.line("n = " + p.subsets()[c], sigma, p.relativeChangeBySigma(c));
        }
        convergence.level(p.tolerance(), "tolerance");
        window(convergence, report);
    }

    private static void window(Panel panel, LocalityReport r) {
        if (Double.isFinite(r.windowLo()) && Double.isFinite(r.windowHi())) {
            panel.band(r.windowLo(), r.windowHi(), "plan window");
        }
    }

    private static double[] beyondAs(double[] radius, double value) {
        double[] out = radius.clone();
        for (int k = 0; k < out.length; k++) {
            out[k] = Double.isNaN(out[k]) ? value : out[k];
        }
        return out;
    }

    /** Lengths above the cap (a fit that barely decays) are left out of the plot, so the radii stay readable. */
    private static double[] capped(double[] xi, double cap) {
        double[] out = xi.clone();
        for (int k = 0; k < out.length; k++) {
            out[k] = out[k] > cap ? Double.NaN : out[k];
        }
        return out;
    }

    private static double[] ratio(double[] e, double[] best) {
        double[] out = new double[e.length];
        for (int k = 0; k < e.length; k++) {
            out[k] = e[k] / best[k];
        }
        return out;
    }
}
