package dev.phaseflow.pipeline;

import dev.phaseflow.models.ImageBatch;
import dev.phaseflow.pipeline.routing.Route;
import dev.phaseflow.pipeline.sampling.NoiseSource;
import dev.phaseflow.pipeline.sampling.SamplingRun;
import dev.phaseflow.pipeline.sampling.Solvers;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One request's run and its events, shared by every engine so they stream the same things:
 * creates the {@link SamplingRun}, counts evaluations by route and model, and builds the
 * Started, Step, Image and Completed events.
 */
public final class RunReporter {
    private final String requestId;
    private final SampleRequest request;
    private final ModelSet models;
    private final double[] sigmas;
    private final long startNanos = System.nanoTime();
    private final Map<Route, Long> byRoute = new EnumMap<>(Route.class);
    private final Map<String, Long> byModel = new LinkedHashMap<>();

    public RunReporter(String requestId, SampleRequest request, ModelSet models) {
        this.requestId = requestId;
        this.request = request;
        this.models = models;
        this.sigmas = models.sigmas(request);
        for (Route r : Route.values()) {
            byRoute.put(r, 0L);
        }
    }

    public String requestId() {
        return requestId;
    }

    public SampleRequest request() {
        return request;
    }

    /** A new run for images {@code [from, to)} of the request (sample ids are image indices). */
    public SamplingRun newRun(int from, int to) {
        long[] ids = new long[to - from];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = from + i;
        }
        return SamplingRun.start(Solvers.of(request.solver(), request.eta()), sigmas, new NoiseSource(request.seed()), ids,
                models.channels(), models.height(), models.width());
    }

    /** A run for the whole request. */
    public SamplingRun newRun() {
        return newRun(0, request.count());
    }

    public SampleEvent.Started started() {
        return new SampleEvent.Started(requestId, request, sigmas.clone(), models.models(request.mode()),
                models.tiers(request.mode()));
    }

    /** The model that evaluates at sigma under the request's mode. */
    public String modelFor(double sigma) {
        return models.modelFor(request.mode(), sigma);
    }

    /** Counts one evaluation of the request's images by {@code model}. */
    public synchronized void evaluated(String model) {
        byRoute.merge(models.route(model), 1L, Long::sum);
        byModel.merge(model, 1L, Long::sum);
    }

    /** The Step event of a completed step; with the x0 preview when one is due. */
    public SampleEvent.Step step(SamplingRun.StepResult r) {
        boolean last = r.index() == sigmas.length - 2;
        boolean preview = request.previewEvery() > 0 && (r.index() % request.previewEvery() == 0 || last);
        String first = r.models().get(0);
        return new SampleEvent.Step(requestId, r.index(), r.sigma(), models.route(first), first, r.models(),
                preview ? Optional.of(clamp(r.x0())) : Optional.empty());
    }

    /** One Image event per image of the final state, numbered from {@code firstIndex}. */
    public List<SampleEvent.Image> images(ImageBatch x, int firstIndex) {
        ImageBatch clamped = clamp(x);
        List<SampleEvent.Image> out = new ArrayList<>(x.count());
        for (int i = 0; i < x.count(); i++) {
            out.add(new SampleEvent.Image(requestId, firstIndex + i, clamped.slice(i, i + 1)));
        }
        return out;
    }

    public synchronized SampleEvent.Completed completed() {
        return new SampleEvent.Completed(requestId, request.count(), Map.copyOf(byRoute), Map.copyOf(byModel),
                System.nanoTime() - startNanos);
    }

    /** Pixel values clamped to the data range [-1, 1], as every engine delivers its images. */
    public static ImageBatch clamp(ImageBatch x) {
        float[] in = x.data();
        float[] out = new float[in.length];
        for (int i = 0; i < in.length; i++) {
            out[i] = Math.max(-1f, Math.min(1f, in[i]));
        }
        return new ImageBatch(x.count(), x.channels(), x.height(), x.width(), out);
    }
}
