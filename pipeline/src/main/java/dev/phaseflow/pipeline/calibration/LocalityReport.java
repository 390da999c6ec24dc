package dev.phaseflow.pipeline.calibration;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A measured {@link LocalityProfile} with where it came from, and its JSON (the {@value #KEY} key
 * of calibration.json, or locality.json on its own). Its figure panels (calibration.png,
 * locality.png) are drawn by the reports module's {@code LocalityFigure}.
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

    /** Writes locality.json (the calibration files are left alone). */
    public void writeStandalone(Path folder) throws IOException {
        Files.createDirectories(folder);
        Files.writeString(folder.resolve(JSON_FILE), JSON.writeValueAsString(toJson()) + "\n");
    }

    /** Writes calibration.json with this profile under {@value #KEY}. */
    public void writeInto(CalibrationReport report, Path folder) throws IOException {
        Files.createDirectories(folder);
        ObjectNode root = report.toJson();
        root.set(KEY, toJson());
        Files.writeString(folder.resolve(CalibrationReport.JSON_FILE), JSON.writeValueAsString(root) + "\n");
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
