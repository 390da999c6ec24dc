package dev.phaseflow.pipeline.calibration;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.phaseflow.api.CalibrationSummary;
import dev.phaseflow.pipeline.routing.RouterPlan;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Everything a calibration run measured and chose.
 *
 * @param dataset          where the images came from
 * @param images           images the x0 errors average over
 * @param statisticsImages images the covariance and class pairs were computed from
 * @param seed             of the noise
 * @param tolerance        relative x0-error slack of the plan
 * @param deltaThreshold   Delta threshold of the fall-back window
 * @param globalModel      the plan's global model
 * @param localModel       the plan's local model
 * @param topEigenvalue    Lambda_max of the data covariance
 * @param spectralSigma    sigma_s = sqrt(Lambda_max)
 * @param dataVariance     mean per-pixel variance of the clean data (trace of the covariance / pixels); the live
 *                         Delta divides the models' disagreement by it
 * @param classPairs       two-class speciation of every class pair (empty without labels)
 * @param cmi              the Gaussian CMI profile and Markov length along the grid
 * @param errors           x0 errors per model, Delta and disagreement along the grid
 * @param costs            seconds per image per model
 * @param plan             the chosen plan and window
 * @param schedule         what the plan implies for the reference 50-step Karras schedule
 */
public record CalibrationReport(String dataset, int images, int statisticsImages, long seed, double tolerance,
                                double deltaThreshold, String globalModel, String localModel, double topEigenvalue,
                                double spectralSigma, double dataVariance, List<ClassPairSpeciation> classPairs, GaussianCmi.Profile cmi,
                                X0Errors errors, ModelCosts costs, HybridPlan plan, ScheduleEstimate schedule) {

    public static final String JSON_FILE = "calibration.json";
    /** The figure of the calibration, drawn by the reports module beside the files {@link #write} writes. */
    public static final String PNG_FILE = "calibration.png";
    static final String FILES = RouterPlan.FILE_NAME + " and " + JSON_FILE;
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public CalibrationReport {
        classPairs = List.copyOf(classPairs);
    }

    /**
     * Delta(sigma) = E|D_g - D_l|^2 / Var(x0): the share of the data's per-pixel variance on which
     * the two models disagree (what the engine records live). A constant denominator lets it fall
     * in both outer phases; {@link X0Errors#delta()}, normalised by the spread of D_g, levels off
     * at high sigma instead, because that spread shrinks as fast as the disagreement.
     */
    public double[] delta() {
        return delta(errors, dataVariance);
    }

    static double[] delta(X0Errors errors, double dataVariance) {
        double[] d = errors.disagreement().clone();
        for (int k = 0; k < d.length; k++) {
            d[k] /= dataVariance;
        }
        return d;
    }

    /** The grid of sigmas everything was measured on. */
    public double[] grid() {
        return errors.sigmas();
    }

    /** Smallest and largest sigma_c over the class pairs that speciate; empty when none does. */
    public double[] classSigmaRange() {
        double[] range = classPairs.stream().filter(ClassPairSpeciation::speciates)
                .mapToDouble(ClassPairSpeciation::sigmaC).sorted().toArray();
        return range.length == 0 ? new double[0] : new double[] {range[0], range[range.length - 1]};
    }

    /** The router plan, carrying a summary of this report as its {@code calibration} field. */
    public RouterPlan routerPlan() {
        return new RouterPlan(globalModel, localModel, plan.windowLo(), plan.windowHi(), plan.intervals(), summary());
    }

    /** Writes router.json and calibration.json into the folder (created if needed). */
    public void write(Path folder) throws IOException {
        Files.createDirectories(folder);
        routerPlan().write(folder.resolve(RouterPlan.FILE_NAME));
        Files.writeString(folder.resolve(JSON_FILE), JSON.writeValueAsString(toJson()) + "\n");
    }

    /** The short summary stored in router.json (values that are not finite as null). */
    public CalibrationSummary summary() {
        return new CalibrationSummary(dataset, images, grid().length, grid()[0], grid()[grid().length - 1], tolerance,
                finite(spectralSigma), finite(dataVariance),
                new CalibrationSummary.Window(plan.windowLo(), plan.windowHi(), plan.windowSource().id()),
                schedule.schedule(), schedule.globalShare(), finite(schedule.speedUp()), costs.secondsPerImage(),
                costs.measured(), null, null);
    }

    private static Double finite(double v) {
        return Double.isFinite(v) ? v : null;
    }

    /** Everything: the content of calibration.json. */
    public ObjectNode toJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("dataset", dataset);
        root.put("images", images);
        root.put("statistics_images", statisticsImages);
        root.put("seed", seed);
        root.put("tolerance", tolerance);
        root.put("delta_threshold", deltaThreshold);
        root.put("global_model", globalModel);
        root.put("local_model", localModel);
        root.set("grid", array(grid()));

        ObjectNode data = root.putObject("data");
        put(data, "top_eigenvalue", topEigenvalue);
        put(data, "sigma_s", spectralSigma);
        ArrayNode pairs = data.putArray("class_pairs");
        for (ClassPairSpeciation p : classPairs) {
            ObjectNode n = pairs.addObject();
            n.put("class_a", p.classA());
            n.put("class_b", p.classB());
            n.put("name_a", p.nameA());
            n.put("name_b", p.nameB());
            put(n, "a", p.a());
            put(n, "s2", p.s2());
            put(n, "sigma_c", p.sigmaC());
            n.put("speciates", p.speciates());
        }
        double[] range = classSigmaRange();
        data.set("class_sigma_c_range", range.length == 0 ? JSON.nullNode() : array(range));

        ObjectNode cmiNode = root.putObject("cmi");
        ArrayNode radii = cmiNode.putArray("radii");
        for (int r : cmi.radii()) {
            radii.add(r);
        }
        ArrayNode bySigma = cmiNode.putArray("by_sigma");
        for (double[] row : cmi.cmi()) {
            bySigma.add(array(row));
        }
        cmiNode.set("markov_length", array(cmi.markovLength()));

        ObjectNode errorsNode = root.putObject("x0_mse");
        for (Map.Entry<String, double[]> e : errors.mse().entrySet()) {
            errorsNode.set(e.getKey(), array(e.getValue()));
        }
        root.set("delta", array(delta()));
        root.set("delta_over_spread", array(errors.delta()));
        root.set("disagreement", array(errors.disagreement()));

        ObjectNode costsNode = root.putObject("costs");
        costsNode.set("seconds_per_image", costsJson());
        costsNode.put("measured", costs.measured());
        costsNode.put("batch", costs.batch());
        costsNode.put("runs", costs.runs());

        ObjectNode planNode = root.putObject("plan");
        ArrayNode chosen = planNode.putArray("chosen");
        for (String c : plan.chosen()) {
            chosen.add(c);
        }
        planNode.set("router", routerPlan().toJson().without("calibration"));
        ObjectNode window = planNode.putObject("window");
        window.put("sigma_lo", plan.windowLo());
        window.put("sigma_hi", plan.windowHi());
        window.put("source", plan.windowSource().id());
        ObjectNode sched = planNode.putObject("schedule");
        sched.put("name", schedule.schedule());
        sched.put("steps", schedule.steps());
        sched.put("global_steps", schedule.globalSteps());
        sched.put("global_share", schedule.globalShare());
        put(sched, "plan_seconds_per_image", schedule.planSeconds());
        put(sched, "global_seconds_per_image", schedule.globalSeconds());
        put(sched, "speed_up", schedule.speedUp());
        return root;
    }

    private ObjectNode costsJson() {
        ObjectNode n = JSON.createObjectNode();
        costs.secondsPerImage().forEach(n::put);
        return n;
    }

    /** Non-finite values (undefined Markov length, Delta) become null: JSON has no NaN. */
    static ArrayNode array(double[] values) {
        ArrayNode a = JSON.createArrayNode();
        for (double v : values) {
            if (Double.isFinite(v)) {
                a.add(v);
            } else {
                a.addNull();
            }
        }
        return a;
    }

    static void put(ObjectNode node, String field, double value) {
        if (Double.isFinite(value)) {
            node.put(field, value);
        } else {
            node.putNull(field);
        }
    }
}
