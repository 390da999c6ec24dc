package dev.phaseflow.app.http;

import dev.phaseflow.api.CompletedEvent;
import dev.phaseflow.api.ErrorBody;
import dev.phaseflow.api.ImageEvent;
import dev.phaseflow.api.StartedEvent;
import dev.phaseflow.api.StepEvent;
import dev.phaseflow.api.Wire;
import dev.phaseflow.models.ImageBatch;
import dev.phaseflow.models.Png;
import dev.phaseflow.pipeline.SampleEvent;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Sample events as Server-Sent Events: {@code event: <name>} and one {@code data:} line of
 * JSON per frame, an event record of the api module. Images travel as base64 PNG. Encoding PNGs
 * costs CPU: callers run this off the event loop.
 */
public final class SseFrames {
    private SseFrames() {}

    /** The frame of one event. */
    public static String encode(SampleEvent event) {
        return encode(event, null);
    }

    /** The frame of one event; step events carry {@code deltaAt(sigma)} as "delta" when it is known. */
    public static String encode(SampleEvent event, java.util.function.DoubleUnaryOperator deltaAt) {
        if (event instanceof SampleEvent.Started s) {
            return frame(StartedEvent.EVENT, started(s));
        } else if (event instanceof SampleEvent.Step s) {
            return frame(StepEvent.EVENT, step(s, deltaAt == null ? Double.NaN : deltaAt.applyAsDouble(s.sigma())));
        } else if (event instanceof SampleEvent.Image i) {
            return frame(ImageEvent.EVENT, new ImageEvent(i.index(), base64(Png.encode(i.pixels(), 0))));
        } else if (event instanceof SampleEvent.Completed c) {
            return frame(CompletedEvent.EVENT, completed(c));
        }
        throw new IllegalArgumentException("unknown sample event " + event);
    }

    /** The last frame of a stream that failed after it started. */
    public static String error(ApiException e) {
        return frame(ErrorBody.EVENT, e.toBody());
    }

    static String frame(String event, Object data) {
        // Jackson writes JSON on one line, so one data: line carries it
        return "event: " + event + "\ndata: " + Wire.write(data) + "\n\n";
    }

    static StartedEvent started(SampleEvent.Started s) {
        List<Double> sigmas = new ArrayList<>(s.sigmas().length);
        for (double sigma : s.sigmas()) {
            sigmas.add(sigma);
        }
        List<StartedEvent.Tier> tiers = s.tiers().stream().map(t -> new StartedEvent.Tier(t.model(), t.route().id(), t.tier(),
                finite(t.relativeCost()))).toList();
        return new StartedEvent(s.requestId(), s.request().toBody(), sigmas, s.models(), tiers);
    }

    /** {@code delta}: the live mean Delta of all traffic at this sigma; NaN while unknown (left out). */
    static StepEvent step(SampleEvent.Step s, double delta) {
        return new StepEvent(s.index(), s.sigma(), s.route().id(), s.model(), s.models(),
                s.preview().map(p -> base64(grid(p))).orElse(null), finite(delta));
    }

    static CompletedEvent completed(SampleEvent.Completed c) {
        Map<String, Long> byRoute = new LinkedHashMap<>();
        c.evaluationsByRoute().forEach((route, count) -> byRoute.put(route.id(), count));
        return new CompletedEvent(c.images(), byRoute, new TreeMap<>(c.evaluationsByModel()), c.wallNanos() / 1e9);
    }

    private static Double finite(double v) {
        return Double.isFinite(v) ? v : null;
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
