package dev.phaseflow.pipeline.calibration;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.phaseflow.pipeline.report.Figure;
import dev.phaseflow.pipeline.report.Panel;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A measured {@link LocalityProfile} with where it came from: its JSON (the {@value #KEY} key of
 * calibration.json, or locality.json on its own) and its figure panels.
 *
 * @param profile           the profile
 * @param trainingSource    where the prior's training images came from
 * @param heldoutSource     where the held-out images came from
 * @param trainingImages    training images in the prior
 * @param seed              of the noise
 * @param windowLo          the plan's window (NaN when unknown), for the answer to "does the needed radius peak inside it"
 * @param windowHi          its upper edge
 * @param seconds           wall time of the whole measurement
 * @param posteriorSeconds  wall time of the empirical posteriors alone
 * @param cpuSeconds        process CPU time of the whole measurement (NaN where the JVM cannot tell)
 * @param threads           parallel held-out images
 */
public record LocalityReport(LocalityProfile profile, String trainingSource, String heldoutSource, int trainingImages,
                             long seed, double windowLo, double windowHi, double seconds, double posteriorSeconds,
                             double cpuSeconds, int threads) {
    public static final String KEY = "locality";
    public static final String JSON_FILE = "locality.json";
    public static final String PNG_FILE = "locality.png";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final Color FULL = Color.BLACK;
    private static final Color GAUSSIAN = new Color(0xb8860b); // apart from the palette's grey (r = 8)

    /** Writes locality.json and locality.png (the calibration files are left alone). */
    public void writeStandalone(Path folder) throws IOException {
        Files.createDirectories(folder);
        Files.writeString(folder.resolve(JSON_FILE), JSON.writeValueAsString(toJson()) + "\n");
        Figure f = new Figure("Locality: empirical local posteriors of growing radius", 2).subtitle(subtitle())
                .panelSize(620, 400);
        addPanels(f);
        f.writePng(folder.resolve(PNG_FILE));
    }

    /** Writes calibration.json with this profile under {@value #KEY} and calibration.png with its panels added. */
    public void writeInto(CalibrationReport report, Path folder) throws IOException {
        Files.createDirectories(folder);
        ObjectNode root = report.toJson();
        root.set(KEY, toJson());
        Files.writeString(folder.resolve(CalibrationReport.JSON_FILE), JSON.writeValueAsString(root) + "\n");
        Figure f = CalibrationFigure.of(report);
        addPanels(f);
        f.writePng(folder.resolve(CalibrationReport.PNG_FILE));
    }

    /** The answer in one line: where the needed radius peaks and whether inside the window. */
    public String peakSummary() {
        LocalityProfile p = profile;
        int k = p.peakIndex();
        double needed = p.neededRadius()[k];
        double[] beyond = p.window(notBeyond());
        String value = Double.isNaN(needed) ? "beyond r = " + p.radii()[p.radii().length - 1] : "r = " + (int) needed;
        String range = Double.isNaN(beyond[0]) ? "" : String.format(Locale.ROOT,
                " (beyond the largest radius over sigma %.3g..%.3g)", beyond[0], beyond[1]);
        String inside = Double.isNaN(windowLo) ? "" : String.format(Locale.ROOT, ", %s the window [%.3g, %.3g]",
                insideWindow() ? "inside" : "outside", windowLo, windowHi);
        return String.format(Locale.ROOT, "needed radius peaks at sigma %.3g: %s%s%s", p.sigmas()[k], value, range,
                inside);
    }

    /** Whether the peak of the needed radius lies inside the plan's window. */
    public boolean insideWindow() {
        double s = profile.sigmas()[profile.peakIndex()];
        return s >= windowLo && s <= windowHi;
    }

    private boolean[] notBeyond() {
        double[] needed = profile.neededRadius();
        boolean[] ok = new boolean[needed.length];
        for (int k = 0; k < ok.length; k++) {
            ok[k] = !Double.isNaN(needed[k]);
        }
        return ok;
    }

    private String subtitle() {
        return String.format(Locale.ROOT, "%d held-out images, %d training images, radii 1..%d, %d sigmas, tolerance "
                        + "%.2f; %s", profile.queries(), trainingImages, profile.radii()[profile.radii().length - 1],
                profile.sigmas().length, profile.tolerance(), peakSummary());
    }

    /** The locality panels: errors by radius, needed radius beside the Markov lengths, reach, convergence. */
    public void addPanels(Figure f) {
        LocalityProfile p = profile;
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
        window(errors);

        Panel needed = f.panel(String.format(Locale.ROOT, "Needed radius (within %.0f%% of best; %d = beyond %d) and "
                + "Markov lengths", 100 * p.tolerance(), maxRadius + 1, maxRadius)).logX().xLabel("σ").yLabel("pixels");
        needed.line("needed radius vs best empirical", sigma, beyondAs(p.neededRadius(), maxRadius + 1));
        if (!p.models().isEmpty()) {
            needed.line("needed radius vs best of all", sigma, beyondAs(p.neededRadiusVsModels(), maxRadius + 1));
        }
        needed.line("needed radius, Gaussian control", sigma, beyondAs(p.neededRadiusGaussian(), maxRadius + 1));
        needed.line("gap decay length ξ_np", sigma, capped(p.gapLength(), 3 * (maxRadius + 1)));
        needed.line("Gaussian-CMI ξ", sigma, p.gaussianLength(), GAUSSIAN);
        window(needed);

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
            window(reach);
        }

        Panel convergence = f.panel("Training-subset size: error change to " + trainingImages + " images, max over r")
                .logX().logY().xLabel("σ").yLabel("max_r |e_n / e_N - 1|");
        for (int c = 0; c < p.subsets().length - 1; c++) {
            convergence.line("n = " + p.subsets()[c], sigma, p.relativeChangeBySigma(c));
        }
        convergence.level(p.tolerance(), "tolerance");
        window(convergence);
    }

    private void window(Panel panel) {
        if (Double.isFinite(windowLo) && Double.isFinite(windowHi)) {
            panel.band(windowLo, windowHi, "plan window");
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

    /** The {@value #KEY} object. Radii beyond the largest measured, and undefined lengths, are null. */
    public ObjectNode toJson() {
        LocalityProfile p = profile;
        ObjectNode root = JSON.createObjectNode();
        root.put("method", "empirical local posterior: D_r(x)_p = sum_i w_i y_i,p / sum_i w_i, w_i = exp(-|x_P -"
                + " y_i,P|^2 / (2 sigma^2)) over the (2r+1)^2 patch P around p, clipped at the border (zero padding"
                + " gives the same weights); 'full' is the whole image (the training set's exact posterior)");
        root.put("training_source", trainingSource);
        root.put("training_images", trainingImages);
        root.put("heldout_source", heldoutSource);
        root.put("images", p.queries());
        root.put("seed", seed);
        root.put("tolerance", p.tolerance());
        root.set("grid", array(p.sigmas()));
        ArrayNode radii = root.putArray("radii");
        for (int r : p.radii()) {
            radii.add(r);
        }
        root.set("x0_mse", errorsJson(p.errors()));
        ArrayNode bySubset = root.putArray("by_training_subset");
        double[][] neededBySubset = p.neededRadiusBySubset();
        for (int c = 0; c < p.subsets().length; c++) {
            ObjectNode n = bySubset.addObject();
            n.put("training_images", p.subsets()[c]);
            put(n, "max_relative_change", p.maxRelativeChange(c));
            put(n, "median_relative_change", p.medianRelativeChange(c));
            n.set("max_relative_change_by_sigma", array(p.relativeChangeBySigma(c)));
            n.set("needed_radius", array(neededBySubset[c]));
            n.set("x0_mse", errorsJson(p.empirical()[c]));
        }
        ObjectNode models = root.putObject("models_x0_mse");
        p.models().forEach((name, e) -> models.set(name, array(e)));
        root.set("best_model", array(p.bestModel()));
        ArrayNode names = root.putArray("best_model_name");
        for (String name : p.bestModelName()) {
            names.add(name);
        }
        root.set("best_empirical", array(p.bestEmpirical()));
        root.set("needed_radius", array(p.neededRadius()));
        root.set("needed_radius_vs_models", array(p.neededRadiusVsModels()));
        root.set("gap_markov_length", array(p.gapLength()));
        root.set("gaussian_markov_length", array(p.gaussianLength()));
        root.set("gaussian_control_x0_mse", errorsJson(p.gaussianErrors()));
        root.set("gaussian_control_needed_radius", array(p.neededRadiusGaussian()));

        ObjectNode peak = root.putObject("peak");
        int k = p.peakIndex();
        put(peak, "sigma", p.sigmas()[k]);
        put(peak, "needed_radius", p.neededRadius()[k]);
        peak.set("beyond_max_radius", range(p.window(notBeyond())));
        peak.set("window", range(new double[] {windowLo, windowHi}));
        if (Double.isFinite(windowLo)) {
            peak.put("inside_window", insideWindow());
        }
        peak.put("summary", peakSummary());

        ArrayNode reach = root.putArray("reach");
        for (int r : p.radii()) {
            ObjectNode n = reach.addObject();
            n.put("radius", r);
            reachJson(n, p.reached(r));
        }
        ArrayNode locals = root.putArray("local_models");
        for (Map.Entry<String, Integer> e : p.localRadii().entrySet()) {
            ObjectNode n = locals.addObject();
            n.put("name", e.getKey());
            n.put("radius", e.getValue());
            reachJson(n, p.reachedByModel(e.getKey()));
            if (java.util.Arrays.binarySearch(p.radii(), e.getValue()) >= 0) {
                ObjectNode emp = n.putObject("empirical_same_radius");
                reachJson(emp, p.reached(e.getValue()));
            }
        }
        ObjectNode timing = root.putObject("timing");
        put(timing, "seconds", seconds);
        put(timing, "posterior_seconds", posteriorSeconds);
        put(timing, "cpu_seconds", cpuSeconds);
        timing.put("threads", threads);
        timing.put("cores", Runtime.getRuntime().availableProcessors());
        return root;
    }

    private void reachJson(ObjectNode n, boolean[] reached) {
        ArrayNode ranges = n.putArray("reached");
        for (double[] r : profile.ranges(reached)) {
            ranges.add(range(r));
        }
        n.set("window", range(profile.window(reached)));
    }

    private ObjectNode errorsJson(double[][] e) {
        ObjectNode n = JSON.createObjectNode();
        int[] radii = profile.radii();
        for (int j = 0; j <= radii.length; j++) {
            double[] col = new double[e.length];
            for (int k = 0; k < e.length; k++) {
                col[k] = e[k][j];
            }
            n.set(j < radii.length ? "r" + radii[j] : "full", array(col));
        }
        return n;
    }

    private static ArrayNode range(double[] r) {
        return array(r);
    }

    private static ArrayNode array(double[] values) {
        return CalibrationReport.array(values);
    }

    private static void put(ObjectNode node, String field, double value) {
        CalibrationReport.put(node, field, value);
    }

    /** A few lines for the console. */
    public String text() {
        StringBuilder s = new StringBuilder();
        LocalityProfile p = profile;
        s.append(String.format(Locale.ROOT, "locality: %d held-out images, %d training images, %.0f s (%.0f CPU s, %d "
                + "threads)%n", p.queries(), trainingImages, seconds, cpuSeconds, threads));
        s.append(String.format(Locale.ROOT, "  %-9s %-7s %-7s %-9s %-7s %-8s %-8s %-8s%n", "sigma", "needed", "vs-all",
                "gaussian", "xi_np", "xi_cmi", "emp/model", "change"));
        double[] needed = p.neededRadius();
        double[] vsAll = p.neededRadiusVsModels();
        double[] gaussian = p.neededRadiusGaussian();
        double[] gap = p.gapLength();
        double[] best = p.bestModel();
        double[] emp = p.bestEmpirical();
        double[] change = p.subsets().length > 1 ? p.relativeChangeBySigma(p.subsets().length - 2) : new double[emp.length];
        for (int k = 0; k < p.sigmas().length; k++) {
            s.append(String.format(Locale.ROOT, "  %-9.4g %-7s %-7s %-9s %-7.3g %-8.3g %-8.3g %-8.3g%n", p.sigmas()[k],
                    radius(needed[k]), radius(vsAll[k]), radius(gaussian[k]), gap[k], p.gaussianLength()[k],
                    emp[k] / best[k], change[k]));
        }
        s.append("  ").append(peakSummary()).append('\n');
        for (int r : p.radii()) {
            s.append(String.format(Locale.ROOT, "  r = %d reaches the best trained model (within %.2f) at %s%n", r,
                    p.tolerance(), ranges(p.ranges(p.reached(r)))));
        }
        for (String m : p.localRadii().keySet()) {
            s.append(String.format(Locale.ROOT, "  %s (radius %d, trained) is within %.2f at %s%n", m,
                    p.localRadii().get(m), p.tolerance(), ranges(p.ranges(p.reachedByModel(m)))));
        }
        return s.toString();
    }

    private String radius(double r) {
        return Double.isNaN(r) ? ">" + profile.radii()[profile.radii().length - 1] : Integer.toString((int) r);
    }

    private static String ranges(List<double[]> ranges) {
        if (ranges.isEmpty()) {
            return "no sigma";
        }
        StringBuilder s = new StringBuilder();
        for (double[] r : ranges) {
            s.append(s.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "[%.3g, %.3g]", r[0], r[1]));
        }
        return s.toString();
    }
}
