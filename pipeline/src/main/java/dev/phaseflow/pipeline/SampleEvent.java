package dev.phaseflow.pipeline;

import dev.phaseflow.models.ImageBatch;
import dev.phaseflow.pipeline.routing.ModelTier;
import dev.phaseflow.pipeline.routing.Route;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** What a sampling run streams back, in this order: Started, Step per step, Image per image, Completed. */
public sealed interface SampleEvent {

    String requestId();

    /** The run began: its schedule and the models its mode uses. */
    record Started(String requestId, SampleRequest request, double[] sigmas, List<String> models, List<ModelTier> tiers)
            implements SampleEvent {}

    /**
     * Step {@code index} (0-based) from {@code sigma} finished. {@code route} and {@code model} are those of its
     * first evaluation; {@code models} lists every evaluation's model (Heun makes two). {@code preview} is the
     * x0 estimate of every image, when previews were asked for at this step.
     */
    record Step(String requestId, int index, double sigma, Route route, String model, List<String> models,
                Optional<ImageBatch> preview) implements SampleEvent {}

    /** Image {@code index} of the request, pixels clamped to [-1, 1]. */
    record Image(String requestId, int index, ImageBatch pixels) implements SampleEvent {}

    /**
     * The run finished. Evaluations count denoiser evaluations of the request's images (one per
     * step stage, whatever the batching), by route and by model.
     */
    record Completed(String requestId, int images, Map<Route, Long> evaluationsByRoute,
                     Map<String, Long> evaluationsByModel, long wallNanos) implements SampleEvent {}
}
