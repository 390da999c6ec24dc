package dev.phaseflow.app.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.phaseflow.models.ImageBatch;
import dev.phaseflow.models.Png;
import dev.phaseflow.pipeline.routing.ModelTier;
import dev.phaseflow.pipeline.SampleEvent;
import dev.phaseflow.pipeline.SampleRequest;
import java.io.UncheckedIOException;
import java.util.Base64;
import java.util.TreeMap;

/**
 * Sample events as Server-Sent Events: {@code event: <name>} and one {@code data:} line of
 * JSON per frame. Images travel as base64 PNG. Encoding PNGs costs CPU: callers run this off
 * the event loop.
 */
public final class SseFrames {
    private static final ObjectMapper JSON = new ObjectMapper();

    private SseFrames() {}

    /** The frame of one event. */
    public static String encode(SampleEvent event) {
        return encode(event, null);
    }

    /** The frame of one event; step events carry {@code deltaAt(sigma)} as "delta" when it is known. */
    public static String encode(SampleEvent event, java.util.function.DoubleUnaryOperator deltaAt) {
        if (event instanceof SampleEvent.Started s) {
            return frame("started", started(s));
        } else if (event instanceof SampleEvent.Step s) {
            ObjectNode n = step(s);
            double delta = deltaAt == null ? Double.NaN : deltaAt.applyAsDouble(s.sigma());
            if (Double.isFinite(delta)) {
                n.put("delta", delta); // the live mean Delta of all traffic at this sigma
            }
            return frame("step", n);
        } else if (event instanceof SampleEvent.Image i) {
            return frame("image", image(i));
        } else if (event instanceof SampleEvent.Completed c) {
            return frame("completed", completed(c));
        }
        throw new IllegalArgumentException("unknown sample event " + event);
    }

    /** The last frame of a stream that failed after it started. */
    public static String error(ApiException e) {
        return frame("error", e.toJson());
    }

    static String frame(String event, ObjectNode data) {
        try {
            // Jackson writes JSON on one line, so one data: line carries it
            return "event: " + event + "\ndata: " + JSON.writeValueAsString(data) + "\n\n";
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ObjectNode started(SampleEvent.Started s) {
        ObjectNode n = JSON.createObjectNode();
        n.put("request_id", s.requestId());
        n.set("request", request(s.request()));
        ArrayNode sigmas = n.putArray("sigmas");
        for (double sigma : s.sigmas()) {
            sigmas.add(sigma);
        }
        ArrayNode models = n.putArray("models");
        s.models().forEach(models::add);
        ArrayNode tiers = n.putArray("model_tiers");
        for (ModelTier t : s.tiers()) {
            ObjectNode m = tiers.addObject();
            m.put("model", t.model());
            m.put("route", t.route().id());
            m.put("tier", t.tier());
            if (Double.isFinite(t.relativeCost())) {
                m.put("relative_cost", t.relativeCost());
            }
        }
        return n;
    }

    static ObjectNode request(SampleRequest r) {
        ObjectNode n = JSON.createObjectNode();
        n.put("count", r.count());
        n.put("steps", r.steps());
        n.put("solver", r.solver());
        n.put("schedule", r.schedule());
        n.put("mode", r.mode().id());
        n.put("seed", r.seed());
        n.put("preview_every", r.previewEvery());
        n.put("eta", r.eta());
        return n;
    }

    static ObjectNode step(SampleEvent.Step s) {
        ObjectNode n = JSON.createObjectNode();
        n.put("index", s.index());
        n.put("sigma", s.sigma());
        n.put("route", s.route().id());
        n.put("model", s.model());
        ArrayNode models = n.putArray("models");
        s.models().forEach(models::add);
        s.preview().ifPresent(p -> n.put("preview", base64(grid(p))));
        return n;
    }

    static ObjectNode image(SampleEvent.Image i) {
        ObjectNode n = JSON.createObjectNode();
        n.put("index", i.index());
        n.put("png", base64(Png.encode(i.pixels(), 0)));
        return n;
    }

    static ObjectNode completed(SampleEvent.Completed c) {
        ObjectNode n = JSON.createObjectNode();
        n.put("images", c.images());
        ObjectNode byRoute = n.putObject("evaluations_by_route");
        c.evaluationsByRoute().forEach((route, count) -> byRoute.put(route.id(), count));
        ObjectNode byModel = n.putObject("evaluations_by_model");
        new TreeMap<>(c.evaluationsByModel()).forEach(byModel::put);
        n.put("wall_seconds", c.wallNanos() / 1e9);
        return n;
    }

    /** Every image of a preview as one PNG: the image itself for one, a square-ish grid for more. */
    static byte[] grid(ImageBatch batch) {
        if (batch.count() == 1) {
            return Png.encode(batch, 0);
        }
        int columns = (int) Math.ceil(Math.sqrt(batch.count()));
        return Png.encode(Png.grid(batch, columns, 1));
    }

    static String base64(byte[] png) {
        return Base64.getEncoder().encodeToString(png);
    }
}
