package dev.phaseflow.app.http;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.phaseflow.pipeline.InvalidRequestException;
import dev.phaseflow.pipeline.SampleRequest;
import dev.phaseflow.pipeline.routing.Mode;
import java.io.IOException;
import java.util.Iterator;
import java.util.List;

/**
 * The JSON body of {@code POST /v1/samples} to a {@link SampleRequest}. Every field is optional
 * (absent or null: {@link SampleRequest#defaults()}); unknown fields, wrong types and values
 * out of range are rejected with a 400 naming the field.
 */
public final class SampleRequestJson {
    /** The fields a body may have, in the order of the API description. */
    public static final List<String> FIELDS = List.of("count", "steps", "solver", "schedule", "mode", "seed",
            "preview_every", "eta", "timeout");

    /** A request and its own deadline (null: the server's default). */
    public record Timed(SampleRequest request, java.time.Duration timeout) {}

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private final SampleRequest.Limits limits;

    public SampleRequestJson(SampleRequest.Limits limits) {
        this.limits = limits;
    }

    /** Parses and validates a body; an empty body means every default. */
    public SampleRequest parse(byte[] body) {
        return parseTimed(body).request();
    }

    /** As {@link #parse}, with the body's {@code timeout} (seconds, > 0) if it has one. */
    public Timed parseTimed(byte[] body) {
        JsonNode root = read(body);
        if (root.isMissingNode()) {
            return new Timed(validated(SampleRequest.defaults()), null);
        }
        if (!root.isObject()) {
            throw new ApiException(400, "invalid_request", "the body must be a JSON object, got " + kind(root));
        }
        for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                throw ApiException.invalidField(name, "unknown field '" + name + "' (allowed: " + String.join(", ", FIELDS) + ")");
            }
        }
        SampleRequest d = SampleRequest.defaults();
        SampleRequest r = new SampleRequest(
                integer(root, "count", d.count()),
                integer(root, "steps", d.steps()),
                text(root, "solver", d.solver()),
                text(root, "schedule", d.schedule()),
                mode(root, d.mode()),
                longInteger(root, "seed", d.seed()),
                integer(root, "preview_every", d.previewEvery()),
                number(root, "eta", d.eta()));
        return new Timed(validated(r), timeout(root));
    }

    private static java.time.Duration timeout(JsonNode root) {
        double seconds = number(root, "timeout", Double.NaN);
        if (Double.isNaN(seconds) && field(root, "timeout") == null) {
            return null;
        }
        if (!(seconds > 0) || seconds > 1e6) {
            throw ApiException.invalidField("timeout", "timeout must be a number of seconds > 0 (at most 1e6), got " + seconds);
        }
        return java.time.Duration.ofMillis(Math.max(1, Math.round(seconds * 1000)));
    }

    private SampleRequest validated(SampleRequest r) {
        try {
            r.validate(limits);
        } catch (InvalidRequestException e) {
            throw ApiException.invalidField(e.field(), e.getMessage());
        }
        return r;
    }

    private static JsonNode read(byte[] body) {
        try {
            JsonNode root = JSON.readTree(body);
            return root == null ? com.fasterxml.jackson.databind.node.MissingNode.getInstance() : root;
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
            throw new ApiException(400, "malformed_json", "the body is not valid JSON" + where + ": " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new ApiException(400, "malformed_json", "the body cannot be read as JSON: " + e.getMessage());
        }
    }

    private static JsonNode field(JsonNode root, String name) {
        JsonNode v = root.get(name);
        return v == null || v.isNull() ? null : v;
    }

    private static int integer(JsonNode root, String name, int fallback) {
        JsonNode v = field(root, name);
        if (v == null) {
            return fallback;
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw ApiException.invalidField(name, name + " must be a 32-bit integer, got " + shown(v));
        }
        return v.intValue();
    }

    private static long longInteger(JsonNode root, String name, long fallback) {
        JsonNode v = field(root, name);
        if (v == null) {
            return fallback;
        }
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            throw ApiException.invalidField(name, name + " must be a 64-bit integer, got " + shown(v));
        }
        return v.longValue();
    }

    private static double number(JsonNode root, String name, double fallback) {
        JsonNode v = field(root, name);
        if (v == null) {
            return fallback;
        }
        if (!v.isNumber()) {
            throw ApiException.invalidField(name, name + " must be a number, got " + shown(v));
        }
        return v.doubleValue();
    }

    private static String text(JsonNode root, String name, String fallback) {
        JsonNode v = field(root, name);
        if (v == null) {
            return fallback;
        }
        if (!v.isTextual()) {
            throw ApiException.invalidField(name, name + " must be a string, got " + shown(v));
        }
        return v.textValue();
    }

    private static Mode mode(JsonNode root, Mode fallback) {
        String id = text(root, "mode", null);
        if (id == null) {
            return fallback;
        }
        try {
            return Mode.parse(id);
        } catch (IllegalArgumentException e) {
            throw ApiException.invalidField("mode", "mode must be one of hybrid, global, local, swapped, got '" + clip(id) + "'");
        }
    }

    private static String shown(JsonNode v) {
        return kind(v) + " " + clip(v.toString());
    }

    private static String kind(JsonNode v) {
        return switch (v.getNodeType()) {
            case STRING -> "a string";
            case NUMBER -> "the number";
            case BOOLEAN -> "the boolean";
            case ARRAY -> "an array";
            case OBJECT -> "an object";
            default -> v.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
        };
    }

    /** Echoes of client input stay short. */
    private static String clip(String s) {
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }
}
