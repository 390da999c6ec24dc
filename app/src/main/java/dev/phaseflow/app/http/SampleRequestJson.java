package dev.phaseflow.app.http;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.phaseflow.api.SampleRequestBody;
import dev.phaseflow.api.Wire;
import dev.phaseflow.api.WireException;
import dev.phaseflow.pipeline.InvalidRequestException;
import dev.phaseflow.pipeline.SampleRequest;
import dev.phaseflow.pipeline.routing.Mode;
import java.io.IOException;
import java.util.List;

/**
 * The JSON body of {@code POST /v1/samples} to a {@link SampleRequest}: bound to the api module's
 * {@link SampleRequestBody}. Every field is optional (absent or null: {@link SampleRequest#defaults()});
 * unknown fields, wrong types and values out of range are rejected with a 400 naming the field.
 */
public final class SampleRequestJson {
    /** The fields a body may have, in the order of the API description. */
    public static final List<String> FIELDS = SampleRequestBody.FIELDS;

    /** A request and its own deadline (null: the server's default). */
    public record Timed(SampleRequest request, java.time.Duration timeout) {}

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
            throw new ApiException(400, "invalid_request", "the body must be a JSON object, got " + Wire.kind(root));
        }
        SampleRequestBody b;
        try {
            b = Wire.bind(root, SampleRequestBody.class);
        } catch (WireException e) {
            throw ApiException.invalidField(e.field(), e.getMessage());
        }
        SampleRequest d = SampleRequest.defaults();
        SampleRequest r = new SampleRequest(
                or(b.count(), d.count()),
                or(b.steps(), d.steps()),
                or(b.solver(), d.solver()),
                or(b.schedule(), d.schedule()),
                b.mode() == null ? d.mode() : mode(b.mode()),
                or(b.seed(), d.seed()),
                or(b.previewEvery(), d.previewEvery()),
                or(b.eta(), d.eta()));
        return new Timed(validated(r), timeout(b.timeout()));
    }

    private static <T> T or(T value, T fallback) {
        return value == null ? fallback : value;
    }

    private static java.time.Duration timeout(Double seconds) {
        if (seconds == null) {
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
            JsonNode root = Wire.mapper().readTree(body);
            return root == null ? MissingNode.getInstance() : root;
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
            throw new ApiException(400, "malformed_json", "the body is not valid JSON" + where + ": " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new ApiException(400, "malformed_json", "the body cannot be read as JSON: " + e.getMessage());
        }
    }

    private static Mode mode(String id) {
        try {
            return Mode.parse(id);
        } catch (IllegalArgumentException e) {
            throw ApiException.invalidField("mode", "mode must be one of hybrid, global, local, swapped, got '" + Wire.clip(id) + "'");
        }
    }
}
