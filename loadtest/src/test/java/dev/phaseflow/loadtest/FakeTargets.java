package dev.phaseflow.loadtest;

import dev.phaseflow.models.ImageBatch;
import dev.phaseflow.pipeline.SampleEvent;
import dev.phaseflow.pipeline.SampleRequest;
import dev.phaseflow.pipeline.SamplingService;
import dev.phaseflow.pipeline.routing.Route;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import reactor.core.publisher.Flux;

/** Sampling services for scenario tests: complete event streams produced without any model. */
final class FakeTargets {
    private FakeTargets() {}

    /** The events of a successful request with one step per request step, all on the global route. */
    static List<SampleEvent> events(SampleRequest r) {
        String id = "r" + r.seed();
        List<SampleEvent> out = new ArrayList<>();
        out.add(new SampleEvent.Started(id, r, new double[0], List.of("g"), List.of()));
        for (int i = 0; i < r.steps(); i++) {
            out.add(new SampleEvent.Step(id, i, 1.0, Route.GLOBAL, "g", List.of("g"), Optional.empty()));
        }
        for (int i = 0; i < r.count(); i++) {
            out.add(new SampleEvent.Image(id, i, ImageBatch.zeros(1, 1, 2, 2)));
        }
        out.add(new SampleEvent.Completed(id, r.count(), Map.of(Route.LOCAL, 0L, Route.GLOBAL, (long) r.steps()),
                Map.of("g", (long) r.steps()), 0));
        return out;
    }

    /**
     * A synchronous target whose send blocks the caller for {@code nanos} of the ticker's time,
     * then answers at once: what a blocking client in front of a stalled server looks like to
     * the dispatcher.
     */
    static SamplingService blocking(ManualTicker ticker, long nanos) {
        return service(r -> Flux.defer(() -> {
            ticker.advance(nanos);
            return Flux.fromIterable(events(r));
        }));
    }

    static SamplingService service(java.util.function.Function<SampleRequest, Flux<SampleEvent>> f) {
        return new SamplingService() {
            @Override
            public Flux<SampleEvent> sample(SampleRequest request) {
                return f.apply(request);
            }

            @Override
            public void close() {}
        };
    }
}
