package dev.phaseflow.pipeline;

import dev.phaseflow.models.ImageBatch;
import dev.phaseflow.pipeline.routing.Mode;
import dev.phaseflow.pipeline.routing.Route;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The same seeds sampled in every mode: how far each mode's images are from global-only's, and
 * what each mode cost in model evaluations. The control that shows the window matters: hybrid
 * should land near global, local-only and swapped far from it.
 */
public final class ModeComparison {

    /** One mode's images, evaluations by route, and mean per-pixel distance to the global-only images. */
    public record ModeResult(Mode mode, ImageBatch images, Map<Route, Long> evaluations, double meanAbsToGlobal,
                             double rmsToGlobal, double seconds) {}

    private ModeComparison() {}

    /** Samples {@code request} (its count, steps, solver, seed) in each mode. */
    public static Map<Mode, ModeResult> run(SamplingService service, SampleRequest request) {
        Map<Mode, ImageBatch> images = new EnumMap<>(Mode.class);
        Map<Mode, Map<Route, Long>> evaluations = new EnumMap<>(Mode.class);
        Map<Mode, Double> seconds = new EnumMap<>(Mode.class);
        for (Mode mode : Mode.values()) {
            List<ImageBatch> parts = new ArrayList<>();
            for (SampleEvent e : service.sample(request.withMode(mode)).collectList().block(Duration.ofHours(1))) {
                if (e instanceof SampleEvent.Image img) {
                    parts.add(img.pixels());
                } else if (e instanceof SampleEvent.Completed c) {
                    evaluations.put(mode, c.evaluationsByRoute());
                    seconds.put(mode, c.wallNanos() / 1e9);
                }
            }
            images.put(mode, ImageBatch.concat(parts));
        }
        ImageBatch global = images.get(Mode.GLOBAL);
        Map<Mode, ModeResult> out = new EnumMap<>(Mode.class);
        for (Mode mode : Mode.values()) {
            float[] a = images.get(mode).data();
            float[] b = global.data();
            double abs = 0;
            double sq = 0;
            for (int i = 0; i < a.length; i++) {
                double d = a[i] - b[i];
                abs += Math.abs(d);
                sq += d * d;
            }
            out.put(mode, new ModeResult(mode, images.get(mode), evaluations.get(mode), abs / a.length,
                    Math.sqrt(sq / a.length), seconds.get(mode)));
        }
        return out;
    }
}
