package dev.phaseflow.loadtest.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.phaseflow.models.ImageBatch;
import dev.phaseflow.models.Png;
import dev.phaseflow.pipeline.SampleEvent;
import dev.phaseflow.pipeline.SampleRequest;
import dev.phaseflow.pipeline.routing.ModelTier;
import dev.phaseflow.pipeline.routing.Route;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import javax.imageio.ImageIO;

/**
 * The phaseflow server's wire format, in one place so that it is easy to follow the server as it
 * changes. Request: {@code POST /v1/samples} with a JSON body of the request's fields in snake
 * case. Response: Server-Sent Events {@code started}, {@code step}, {@code image} ({@code index}
 * and a base64 {@code png}), {@code completed} ({@code images}, {@code evaluations_by_route},
 * {@code evaluations_by_model}, {@code wall_seconds}) and {@code error}. Fields a load test does
 * not need are read leniently (absent: a default); the ones it counts on fail clearly.
 */
public final class WireFormat {
    public static final String PATH = "/v1/samples";
    private static final ObjectMapper JSON = new ObjectMapper();

    private WireFormat() {}

    /** The request body. */
    public static String requestBody(SampleRequest r) {
        ObjectNode n = JSON.createObjectNode();
        n.put("count", r.count());
        n.put("steps", r.steps());
        n.put("solver", r.solver());
        n.put("schedule", r.schedule());
        n.put("mode", r.mode().id());
        n.put("seed", r.seed());
        n.put("preview_every", r.previewEvery());
        n.put("eta", r.eta());
        return n.toString();
    }

    /**
     * The sample event of a server event; empty for event types a load test ignores (keep-alives).
     *
     * @param request   the request the stream answers (Started carries it)
     * @param requestId the id to use until the server names one
     * @throws RemoteSamplingException for an {@code error} event
     * @throws IllegalArgumentException when an event's data is not what the format says
     */
    /** "model_tiers": [{model, route, tier, relative_cost}], absent from older servers. */
    static List<ModelTier> tiers(JsonNode list, SseEvent e) {
        List<ModelTier> out = new java.util.ArrayList<>();
        for (JsonNode t : list) {
            double cost = t.path("relative_cost").isNumber() ? t.path("relative_cost").asDouble() : Double.NaN;
            out.add(new ModelTier(text(t, "model", ""), route(required(t, "route", e).asText(), e), cost,
                    text(t, "tier", "unmeasured")));
        }
        return out;
    }

    public static Optional<SampleEvent> toSampleEvent(SseEvent e, SampleRequest request, String requestId) {
        return switch (e.event()) {
            case "started" -> {
                JsonNode d = json(e);
                yield Optional.of(new SampleEvent.Started(text(d, "request_id", requestId), request,
                        doubles(d.path("sigmas")), strings(d.path("models")), tiers(d.path("model_tiers"), e)));
            }
            case "step" -> {
                JsonNode d = json(e);
                String model = text(d, "model", "");
                List<String> models = strings(d.path("models"));
                yield Optional.of(new SampleEvent.Step(requestId, required(d, "index", e).asInt(),
                        d.path("sigma").asDouble(Double.NaN), route(required(d, "route", e).asText(), e), model,
                        models.isEmpty() && !model.isEmpty() ? List.of(model) : models, Optional.empty()));
            }
            case "image" -> {
                JsonNode d = json(e);
                yield Optional.of(new SampleEvent.Image(requestId, required(d, "index", e).asInt(),
                        decodePng(required(d, "png", e).asText(), e)));
            }
            case "completed" -> {
                JsonNode d = json(e);
                Map<Route, Long> byRoute = new EnumMap<>(Route.class);
                for (Route r : Route.values()) {
                    byRoute.put(r, 0L);
                }
                counts(d.path("evaluations_by_route")).forEach((k, v) -> byRoute.put(route(k, e), v));
                yield Optional.of(new SampleEvent.Completed(requestId, required(d, "images", e).asInt(), byRoute,
                        counts(d.path("evaluations_by_model")),
                        Math.round(d.path("wall_seconds").asDouble(Double.NaN) * 1e9)));
            }
            case "error" -> throw error(e);
            default -> Optional.empty();
        };
    }

    /** The server's error event as an exception: kind from {@code kind} (or {@code error}), else "failed". */
    public static RemoteSamplingException error(SseEvent e) {
        JsonNode d;
        try {
            d = JSON.readTree(e.data());
        } catch (JsonProcessingException ex) {
            return new RemoteSamplingException("failed", e.data());
        }
        if (d == null || !d.isObject()) {
            return new RemoteSamplingException("failed", e.data());
        }
        String kind = text(d, "kind", text(d, "error", "failed")).toLowerCase(Locale.ROOT);
        return new RemoteSamplingException(kind, text(d, "message", e.data()));
    }

    /** A refused request: 503 and 429 are overload, 400 and 422 an invalid request; the body is the message. */
    public static RemoteSamplingException httpError(int status, String body) {
        String kind = switch (status) {
            case 429, 503 -> "overloaded";
            case 400, 422 -> "invalid";
            default -> "http_" + status;
        };
        String message = body == null ? "" : body.strip();
        if (message.length() > 300) {
            message = message.substring(0, 300) + "...";
        }
        return new RemoteSamplingException(kind, "HTTP " + status + (message.isEmpty() ? "" : ": " + message));
    }

    private static JsonNode json(SseEvent e) {
        try {
            JsonNode n = JSON.readTree(e.data());
            if (n == null || !n.isObject()) {
                throw new IllegalArgumentException("server event '" + e.event() + "': data is not a JSON object: " + clip(e.data()));
            }
            return n;
        } catch (JsonProcessingException ex) {
            throw new IllegalArgumentException("server event '" + e.event() + "': data is not JSON: " + clip(e.data()));
        }
    }

    private static JsonNode required(JsonNode d, String field, SseEvent e) {
        JsonNode v = d.get(field);
        if (v == null || v.isNull()) {
            throw new IllegalArgumentException("server event '" + e.event() + "' has no field '" + field + "': "
                    + clip(e.data()));
        }
        return v;
    }

    private static Route route(String id, SseEvent e) {
        for (Route r : Route.values()) {
            if (r.id().equalsIgnoreCase(id)) {
                return r;
            }
        }
        throw new IllegalArgumentException("server event '" + e.event() + "': unknown route '" + id
                + "' (expected local or global)");
    }

    private static ImageBatch decodePng(String base64, SseEvent e) {
        BufferedImage image;
        try {
            image = ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(base64)));
        } catch (IOException | IllegalArgumentException ex) {
            throw new IllegalArgumentException("server event '" + e.event() + "': cannot decode field 'png': " + ex.getMessage());
        }
        if (image == null) {
            throw new IllegalArgumentException("server event '" + e.event() + "': field 'png' is not a PNG image");
        }
        boolean grey = image.getColorModel().getNumColorComponents() == 1;
        return Png.fromImage(image, grey ? 1 : 3);
    }

    private static String text(JsonNode d, String field, String fallback) {
        JsonNode v = d.get(field);
        return v == null || v.isNull() ? fallback : v.asText();
    }

    private static double[] doubles(JsonNode array) {
        double[] out = new double[array.isArray() ? array.size() : 0];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asDouble();
        }
        return out;
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        if (array.isArray()) {
            array.forEach(n -> out.add(n.asText()));
        }
        return out;
    }

    private static Map<String, Long> counts(JsonNode object) {
        Map<String, Long> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            out.put(f.getKey(), f.getValue().asLong());
        }
        return out;
    }

    private static String clip(String s) {
        return s.length() > 200 ? s.substring(0, 200) + "..." : s;
    }
}
