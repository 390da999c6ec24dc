package dev.phaseflow.pipeline;

import reactor.core.publisher.Flux;

/**
 * Generates images. An invalid request fails with {@link InvalidRequestException} before any
 * work; cancelling the subscription stops the run. Every implementation must give images
 * bit-identical to {@link DirectSamplingService} for the same request.
 */
public interface SamplingService extends AutoCloseable {

    Flux<SampleEvent> sample(SampleRequest request);

    @Override
    void close();
}
