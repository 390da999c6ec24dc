package dev.phaseflow.loadtest.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.phaseflow.api.CompletedEvent;
import dev.phaseflow.api.ErrorBody;
import dev.phaseflow.api.ImageEvent;
import dev.phaseflow.api.StartedEvent;
import dev.phaseflow.api.StepEvent;
import dev.phaseflow.api.Wire;
import dev.phaseflow.api.WireException;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import javax.imageio.ImageIO;

/**
 * The load-test client's side of the phaseflow server's wire format, whose records (request
 * body, events, error body) are the api module's, shared with the server. Request:
 * {@code POST /v1/samples} with a {@link dev.phaseflow.api.SampleRequestBody}. Response:
 * Server-Sent Events {@code started}, {@code step}, {@code image}, {@code completed} and
 * {@code error}, each bound to its record and mapped to a {@link SampleEvent}. Fields a load test
 * does not need may be absent (a default); the ones it counts on fail clearly, as do values of
 * the wrong type.
 */
public final class WireFormat {
    public static final String PATH = "/v1/samples";

    private WireFormat() {}

    /** The request body. */
    public static String requestBody(SampleRequest r) {
        return Wire.write(r.toBody());
    }

    /**
     * The sample event of a server event; empty for event types a load test ignores (keep-alives).
     *
     * @param request   the request the stream answers (Started carries it)
     * @param requestId the id to use until the server names one
     * @throws RemoteSamplingException for an {@code error} event
     * @throws IllegalArgumentException when an event's data is not what the format says
     */
    public static Optional<SampleEvent> toSampleEvent(SseEvent e, SampleRequest request, String requestId) {
        return switch (e.event()) {
            case StartedEvent.EVENT -> {
                StartedEvent d = bind(e, StartedEvent.class);
                yield Optional.of(new SampleEvent.Started(or(d.requestId(), requestId), request, doubles(d.sigmas()),
                        or(d.models(), List.of()), tiers(or(d.modelTiers(), List.of()), e)));
            }
            case StepEvent.EVENT -> {
                StepEvent d = bind(e, StepEvent.class);
                String model = or(d.model(), "");
                List<String> models = or(d.models(), List.of());
                yield Optional.of(new SampleEvent.Step(requestId, required(d.index(), "index", e), or(d.sigma(), Double.NaN),
                        route(required(d.route(), "route", e), e), model,
                        models.isEmpty() && !model.isEmpty() ? List.of(model) : models, Optional.empty()));
            }
            case ImageEvent.EVENT -> {
                ImageEvent d = bind(e, ImageEvent.class);
                yield Optional.of(new SampleEvent.Image(requestId, required(d.index(), "index", e),
                        decodePng(required(d.png(), "png", e), e)));
            }
            case CompletedEvent.EVENT -> {
                CompletedEvent d = bind(e, CompletedEvent.class);
                Map<Route, Long> byRoute = new EnumMap<>(Route.class);
                for (Route r : Route.values()) {
                    byRoute.put(r, 0L);
                }
                or(d.evaluationsByRoute(), Map.<String, Long>of()).forEach((k, v) -> byRoute.put(route(k, e), or(v, 0L)));
                Map<String, Long> byModel = new LinkedHashMap<>();
                or(d.evaluationsByModel(), Map.<String, Long>of()).forEach((k, v) -> byModel.put(k, or(v, 0L)));
                yield Optional.of(new SampleEvent.Completed(requestId, required(d.images(), "images", e), byRoute, byModel,
                        Math.round(or(d.wallSeconds(), Double.NaN) * 1e9)));
            }
            case ErrorBody.EVENT -> throw error(e);
            default -> Optional.empty();
        };
    }

    /** "model_tiers": [{model, route, tier, relative_cost}], absent from older servers. */
    static List<ModelTier> tiers(List<StartedEvent.Tier> list, SseEvent e) {
        List<ModelTier> out = new ArrayList<>();
        for (StartedEvent.Tier t : list) {
            out.add(new ModelTier(or(t.model(), ""), route(required(t.route(), "route", e), e), or(t.relativeCost(), Double.NaN),
                    or(t.tier(), "unmeasured")));
        }
        return out;
    }

    /** The server's error event as an exception: kind from {@code error} (or {@code kind}), else "failed". */
    public static RemoteSamplingException error(SseEvent e) {
        ErrorBody d;
        try {
            JsonNode tree = Wire.mapper().readTree(e.data());
            if (tree == null || !tree.isObject()) {
                return new RemoteSamplingException("failed", e.data());
            }
            d = Wire.bind(tree, ErrorBody.class);
        } catch (JsonProcessingException | IllegalArgumentException ex) {
            return new RemoteSamplingException("failed", e.data());
        }
        return new RemoteSamplingException(or(d.error(), "failed").toLowerCase(Locale.ROOT), or(d.message(), e.data()));
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

    /** An event's data as its record; fields the client does not know are ignored. */
    private static <T> T bind(SseEvent e, Class<T> type) {
        JsonNode n;
        try {
            n = Wire.mapper().readTree(e.data());
        } catch (JsonProcessingException ex) {
            throw new IllegalArgumentException("server event '" + e.event() + "': data is not JSON: " + clip(e.data()));
        }
        if (n == null || !n.isObject()) {
            throw new IllegalArgumentException("server event '" + e.event() + "': data is not a JSON object: " + clip(e.data()));
        }
        try {
            return Wire.bind(n, type);
        } catch (WireException ex) {
            throw new IllegalArgumentException("server event '" + e.event() + "': " + ex.getMessage());
        }
    }

    private static <T> T required(T value, String field, SseEvent e) {
        if (value == null) {
            throw new IllegalArgumentException("server event '" + e.event() + "' has no field '" + field + "': "
                    + clip(e.data()));
        }
        return value;
    }

    private static <T> T or(T value, T fallback) {
        return value == null ? fallback : value;
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

    /** A JSON null in the list is NaN. */
    private static double[] doubles(List<Double> list) {
        if (list == null) {
            return new double[0];
        }
        double[] out = new double[list.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = or(list.get(i), Double.NaN);
        }
        return out;
    }

    private static String clip(String s) {
        return s.length() > 200 ? s.substring(0, 200) + "..." : s;
    }
}
