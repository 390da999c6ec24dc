package dev.phaseflow.pipeline;

import reactor.core.publisher.Flux;

/**
 * Generates images. An invalid request fails with {@link InvalidRequestException} before any
 * work; cancelling the subscription stops the run. Every implementation must give images
 * bit-identical to {@link DirectSamplingService} for the same request.
 */
public interface SamplingService extends AutoCloseable {

    Flux<SampleEvent> sample(SampleRequest request);

    /**
     * As {@link #sample(SampleRequest)}, ending with a {@link SamplingException} once {@code timeout}
     * has passed since subscription (null: no deadline of its own). This default applies the deadline
     * from outside; an engine may do it inside, and may cap it.
     */
    default Flux<SampleEvent> sample(SampleRequest request, java.time.Duration timeout) {
        if (timeout == null) {
            return sample(request);
        }
        return Flux.defer(() -> {
            // one absolute deadline for the whole stream: every element's timeout is the same cached delay
            reactor.core.publisher.Mono<Long> deadline = reactor.core.publisher.Mono.delay(timeout).cache();
            return sample(request).timeout(deadline, e -> deadline)
                    .onErrorMap(java.util.concurrent.TimeoutException.class, e -> new SamplingException(
                            "the request ran past its timeout of " + timeout.toMillis() / 1000.0 + " s"));
        });
    }

    @Override
    void close();
}
