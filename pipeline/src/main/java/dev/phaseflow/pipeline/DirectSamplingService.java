package dev.phaseflow.pipeline;

import dev.phaseflow.models.Denoiser;
import dev.phaseflow.models.ImageBatch;
import dev.phaseflow.pipeline.sampling.SamplingRun;
import dev.phaseflow.pipeline.sampling.Solver;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * The reference engine: each request runs as one loop on an inference thread, its model calls
 * cut into batches of at most {@code maxBatch} images. Every other engine must match its
 * images bit for bit.
 */
public final class DirectSamplingService implements SamplingService {
    private final ModelSet models;
    private final int maxBatch;
    private final SampleRequest.Limits limits;
    private final Scheduler scheduler;

    public DirectSamplingService(ModelSet models, int maxBatch, SampleRequest.Limits limits, int threads) {
        if (maxBatch < 1) {
            throw new IllegalArgumentException("maxBatch must be at least 1, got " + maxBatch);
        }
        this.models = models;
        this.maxBatch = maxBatch;
        this.limits = limits;
        this.scheduler = Schedulers.newBoundedElastic(Math.max(1, threads), 10_000, "phaseflow-direct", 60, true);
    }

    public DirectSamplingService(ModelSet models) {
        this(models, 64, SampleRequest.Limits.defaults(), Runtime.getRuntime().availableProcessors());
    }

    public ModelSet models() {
        return models;
    }

    @Override
    public Flux<SampleEvent> sample(SampleRequest request) {
        try {
            request.validate(limits);
        } catch (InvalidRequestException e) {
            return Flux.error(e);
        }
        return Flux.<SampleEvent>create(sink -> run(request, sink), FluxSink.OverflowStrategy.BUFFER)
                .subscribeOn(scheduler);
    }

    private void run(SampleRequest request, FluxSink<SampleEvent> sink) {
        try {
            RunReporter reporter = new RunReporter(UUID.randomUUID().toString(), request, models);
            sink.next(reporter.started());
            SamplingRun run = reporter.newRun();
            while (!run.done()) {
                if (sink.isCancelled()) {
                    return;
                }
                Solver.Evaluation e = run.pending();
                String model = reporter.modelFor(e.sigma());
                ImageBatch x0 = denoiseInBatches(models.denoiser(model), e.x(), e.sigma());
                reporter.evaluated(model);
                run.accept(x0, model).ifPresent(step -> sink.next(reporter.step(step)));
            }
            reporter.images(run.x(), 0).forEach(sink::next);
            sink.next(reporter.completed());
            sink.complete();
        } catch (RuntimeException e) {
            sink.error(e instanceof SamplingException ? e : new SamplingException("sampling failed: " + e.getMessage(), e));
        }
    }

    private ImageBatch denoiseInBatches(Denoiser d, ImageBatch x, double sigma) {
        if (x.count() <= maxBatch) {
            return d.denoise(x, filled(x.count(), sigma));
        }
        List<ImageBatch> parts = new ArrayList<>();
        for (int from = 0; from < x.count(); from += maxBatch) {
            int to = Math.min(x.count(), from + maxBatch);
            parts.add(d.denoise(x.slice(from, to), filled(to - from, sigma)));
        }
        return ImageBatch.concat(parts);
    }

    private static double[] filled(int n, double sigma) {
        double[] s = new double[n];
        Arrays.fill(s, sigma);
        return s;
    }

    @Override
    public void close() {
        scheduler.dispose();
    }
}
