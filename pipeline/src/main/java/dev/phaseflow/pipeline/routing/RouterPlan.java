package dev.phaseflow.pipeline.routing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.phaseflow.api.CalibrationSummary;
import dev.phaseflow.api.Wire;
import dev.phaseflow.api.WireException;
import dev.phaseflow.models.ModelRole;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The timestep router's plan, stored as {@code router.json} beside the models: which model
 * denoises at which sigma. The hybrid plan is a list of sigma intervals (from calibration); the
 * other modes follow from the global model, the local model and the transition window.
 *
 * @param globalModel  the model of the global mode and of the window in swapped mode
 * @param localModel   the model of the local mode and of the outer phases in swapped mode
 * @param windowLo     lower edge of the transition window (sigma)
 * @param windowHi     upper edge of the transition window (sigma)
 * @param hybrid       the calibrated intervals, ascending, covering [0, infinity)
 * @param calibration  what calibration measured and chose; null when the plan was not calibrated
 */
public record RouterPlan(String globalModel, String localModel, double windowLo, double windowHi,
                         List<Interval> hybrid, CalibrationSummary calibration) {

    public static final String FILE_NAME = "router.json";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** Sigma in [lo, hi) goes to {@code model}; hi is +infinity for the last interval. */
    public record Interval(double lo, double hi, String model) {
        public boolean contains(double sigma) {
            return sigma >= lo && sigma < hi;
        }
    }

    public RouterPlan {
        hybrid = List.copyOf(hybrid);
        validate("router plan", globalModel, localModel, windowLo, windowHi, hybrid);
    }

    /** The intervals of a mode. */
    public List<Interval> intervals(Mode mode) {
        double inf = Double.POSITIVE_INFINITY;
        return switch (mode) {
            case HYBRID -> hybrid;
            case GLOBAL -> List.of(new Interval(0, inf, globalModel));
            case LOCAL -> List.of(new Interval(0, inf, localModel));
            case SWAPPED -> List.of(new Interval(0, windowLo, globalModel), new Interval(windowLo, windowHi, localModel),
                    new Interval(windowHi, inf, globalModel));
        };
    }

    /** The model that denoises at sigma in this mode. */
    public String modelFor(Mode mode, double sigma) {
        for (Interval i : intervals(mode)) {
            if (i.contains(sigma)) {
                return i.model();
            }
        }
        throw new IllegalArgumentException("sigma " + sigma + " is outside every interval of mode " + mode.id());
    }

    /** Each model's measured seconds per image, in report order; empty when calibration recorded none. */
    public Map<String, Double> measuredCosts() {
        Map<String, Double> out = new LinkedHashMap<>();
        if (calibration != null) {
            calibration.costs().forEach((model, seconds) -> {
                if (seconds != null) {
                    out.put(model, seconds);
                }
            });
        }
        return out;
    }

    /** Every model a mode uses. */
    public List<String> models(Mode mode) {
        return intervals(mode).stream().map(Interval::model).distinct().toList();
    }

    /** Checks every model of the plan exists in the zoo with a denoising role. */
    public void checkModels(Map<String, ModelRole> zoo, Path source) {
        List<String> used = new ArrayList<>(hybrid.stream().map(Interval::model).toList());
        used.add(globalModel);
        used.add(localModel);
        for (String m : used) {
            ModelRole role = zoo.get(m);
            if (role == null) {
                throw new IllegalArgumentException(source + ": model '" + m + "' is not in the zoo (have " + zoo.keySet() + ")");
            }
            if (role == ModelRole.CLASSIFIER) {
                throw new IllegalArgumentException(source + ": model '" + m + "' is a classifier, not a denoiser");
            }
        }
        if (zoo.get(localModel) != ModelRole.LOCAL) {
            throw new IllegalArgumentException(source + ": field 'local_model' names '" + localModel + "', whose role is "
                    + zoo.get(localModel).id() + ", not local");
        }
        if (zoo.get(globalModel) != ModelRole.GLOBAL) {
            throw new IllegalArgumentException(source + ": field 'global_model' names '" + globalModel + "', whose role is "
                    + zoo.get(globalModel).id() + ", not global");
        }
    }

    public static RouterPlan read(Path file) {
        JsonNode root;
        try {
            root = JSON.readTree(Files.readString(file));
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(file + ": router plan not found (run 'phaseflow calibrate' to make one)");
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(file + ": not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": cannot read: " + e.getMessage(), e);
        }
        return parse(root, file.toString());
    }

    public static RouterPlan parse(JsonNode root, String source) {
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException(source + ": must be a JSON object");
        }
        String global = text(root, "global_model", source);
        String local = text(root, "local_model", source);
        JsonNode window = root.get("window");
        if (window == null || !window.isObject()) {
            throw new IllegalArgumentException(source + ": field 'window' must be an object {sigma_lo, sigma_hi}");
        }
        double lo = number(window, "sigma_lo", "window.sigma_lo", source);
        double hi = number(window, "sigma_hi", "window.sigma_hi", source);
        JsonNode intervals = root.get("hybrid");
        if (intervals == null || !intervals.isArray() || intervals.isEmpty()) {
            throw new IllegalArgumentException(source + ": field 'hybrid' must be a non-empty array of {sigma_lo, sigma_hi, model}");
        }
        List<Interval> list = new ArrayList<>();
        for (int i = 0; i < intervals.size(); i++) {
            JsonNode n = intervals.get(i);
            String where = "hybrid[" + i + "]";
            double from = number(n, "sigma_lo", where + ".sigma_lo", source);
            JsonNode upper = n.get("sigma_hi");
            double to = upper == null || upper.isNull() ? Double.POSITIVE_INFINITY : number(n, "sigma_hi", where + ".sigma_hi", source);
            list.add(new Interval(from, to, text(n, "model", source)));
        }
        CalibrationSummary calibration = calibration(root.get("calibration"), source);
        try {
            return new RouterPlan(global, local, lo, hi, list, calibration);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(source + ": " + e.getMessage());
        }
    }

    private static CalibrationSummary calibration(JsonNode node, String source) {
        if (node == null || node.isNull()) {
            return null;
        }
        try {
            return Wire.bind(node, CalibrationSummary.class);
        } catch (WireException e) {
            // "calibration.window.sigma_lo must be a number, got ..." or "field 'calibration' must be a JSON object, got ..."
            throw new IllegalArgumentException(source + ": " + (e.field() == null ? "field 'calibration' " : "calibration.")
                    + e.getMessage());
        }
    }

    public void write(Path file) throws IOException {
        Files.writeString(file, JSON.writeValueAsString(toJson()) + "\n");
    }

    public ObjectNode toJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("global_model", globalModel);
        root.put("local_model", localModel);
        ObjectNode window = root.putObject("window");
        window.put("sigma_lo", windowLo);
        window.put("sigma_hi", windowHi);
        root.set("hybrid", intervalsJson(hybrid));
        if (calibration != null) {
            root.set("calibration", Wire.mapper().valueToTree(calibration));
        }
        return root;
    }

    /** Intervals as router.json writes them: {sigma_lo, sigma_hi (null: infinity), model}. */
    public static ArrayNode intervalsJson(List<Interval> intervals) {
        ArrayNode list = JSON.createArrayNode();
        for (Interval i : intervals) {
            ObjectNode n = list.addObject();
            n.put("sigma_lo", i.lo());
            if (Double.isInfinite(i.hi())) {
                n.putNull("sigma_hi");
            } else {
                n.put("sigma_hi", i.hi());
            }
            n.put("model", i.model());
        }
        return list;
    }

    private static void validate(String source, String global, String local, double lo, double hi, List<Interval> list) {
        if (global == null || global.isBlank() || local == null || local.isBlank()) {
            throw new IllegalArgumentException("fields 'global_model' and 'local_model' are required");
        }
        if (!(lo > 0) || !(hi > lo) || !Double.isFinite(hi)) {
            throw new IllegalArgumentException("field 'window' needs 0 < sigma_lo < sigma_hi < infinity, got [" + lo + ", " + hi + "]");
        }
        if (list.isEmpty()) {
            throw new IllegalArgumentException("field 'hybrid' needs at least one interval");
        }
        if (list.get(0).lo() != 0) {
            throw new IllegalArgumentException("field 'hybrid[0].sigma_lo' must be 0, got " + list.get(0).lo());
        }
        for (int i = 0; i < list.size(); i++) {
            Interval iv = list.get(i);
            if (!(iv.hi() > iv.lo())) {
                throw new IllegalArgumentException("field 'hybrid[" + i + "]' is empty or reversed: [" + iv.lo() + ", " + iv.hi() + ")");
            }
            if (iv.model() == null || iv.model().isBlank()) {
                throw new IllegalArgumentException("field 'hybrid[" + i + "].model' is missing");
            }
            if (i > 0 && iv.lo() != list.get(i - 1).hi()) {
                throw new IllegalArgumentException("field 'hybrid[" + i + "].sigma_lo' " + iv.lo()
                        + " must equal the previous interval's sigma_hi " + list.get(i - 1).hi());
            }
        }
        if (!Double.isInfinite(list.get(list.size() - 1).hi())) {
            throw new IllegalArgumentException("the last interval of 'hybrid' must be open above (sigma_hi null)");
        }
    }

    private static String text(JsonNode node, String field, String source) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            throw new IllegalArgumentException(source + ": field '" + field + "' is missing");
        }
        if (!v.isTextual()) {
            throw new IllegalArgumentException(source + ": field '" + field + "' must be a string, got " + v);
        }
        return v.asText();
    }

    private static double number(JsonNode node, String field, String path, String source) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            throw new IllegalArgumentException(source + ": field '" + path + "' is missing");
        }
        if (!v.isNumber()) {
            throw new IllegalArgumentException(source + ": field '" + path + "' must be a number, got " + v);
        }
        return v.asDouble();
    }
}
