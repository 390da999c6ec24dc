package dev.phaseflow.loadtest;

import dev.phaseflow.models.ImageBatch;
import dev.phaseflow.pipeline.SampleEvent;
import dev.phaseflow.pipeline.SampleRequest;
import dev.phaseflow.pipeline.SamplingService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import reactor.core.publisher.Mono;

/** Sends one request to a target and records its {@link RequestOutcome}; never fails (errors become outcomes). */
public final class RequestRunner {
    /** The intended start of a closed-loop request: the moment it is sent. */
    public static final long NOW = Long.MIN_VALUE;

    private final SamplingService service;
    private final Ticker ticker;
    private final Duration requestTimeout;

    /** What to keep of a request beyond its timings and counts. */
    public record Keep(boolean images, boolean timeline) {
        public static final Keep NOTHING = new Keep(false, false);
        public static final Keep TIMELINE = new Keep(false, true);
    }

    public RequestRunner(SamplingService service, Ticker ticker, Duration requestTimeout) {
        this.service = service;
        this.ticker = ticker;
        this.requestTimeout = requestTimeout;
    }

    public Ticker ticker() {
        return ticker;
    }

    /**
     * The request's outcome once it ends. It is sent on subscription; it times out after the
     * request timeout or at {@code deadline} (ticker time), whichever comes first.
     */
    public Mono<RequestOutcome> run(SampleRequest request, int index, long intendedStart, long deadline, Keep keep) {
        return Mono.defer(() -> {
            long now = ticker.nanoTime();
            Recording r = new Recording(request, index, intendedStart == NOW ? now : intendedStart, now, keep);
            long left = Math.min(requestTimeout.toNanos(), deadline - now);
            if (left <= 0) {
                return Mono.just(r.failed("timeout", "the run's time bound was reached before the request was sent"));
            }
            return service.sample(request)
                    .doOnNext(r::event)
                    .then(Mono.fromCallable(r::completed))
                    .timeout(Duration.ofNanos(left))
                    .onErrorResume(e -> Mono.just(r.failed(ErrorKinds.of(e), describe(e, left))));
        });
    }

    private static String describe(Throwable e, long timeoutNanos) {
        if (e instanceof java.util.concurrent.TimeoutException) {
            return "no completion within " + Duration.ofNanos(timeoutNanos).toMillis() + " ms";
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    /** One request's events as they arrive; synchronized because a timeout may end it while an event is delivered. */
    private final class Recording {
        private final SampleRequest request;
        private final int index;
        private final long intendedStart;
        private final long start;
        private final Keep keep;
        private long firstEvent = -1;
        private int images;
        private int steps;
        private SampleEvent.Completed completed;
        private final List<ImageBatch> pixels = new ArrayList<>();
        private final List<RequestOutcome.StepRecord> timeline = new ArrayList<>();

        Recording(SampleRequest request, int index, long intendedStart, long start, Keep keep) {
            this.request = request;
            this.index = index;
            this.intendedStart = intendedStart;
            this.start = start;
            this.keep = keep;
        }

        synchronized void event(SampleEvent e) {
            if (firstEvent < 0) {
                firstEvent = ticker.nanoTime();
            }
            if (e instanceof SampleEvent.Step s) {
                steps++;
                if (keep.timeline()) {
                    timeline.add(new RequestOutcome.StepRecord(s.index(), s.sigma(), s.route(), s.model()));
                }
            } else if (e instanceof SampleEvent.Image img) {
                images++;
                if (keep.images()) {
                    pixels.add(img.pixels());
                }
            } else if (e instanceof SampleEvent.Completed c) {
                completed = c;
            }
        }

        synchronized RequestOutcome completed() {
            if (completed == null) {
                return failed(ErrorKinds.INCOMPLETE, "the event stream ended without a completed event");
            }
            if (images != request.count()) {
                return failed(ErrorKinds.INCOMPLETE, "received " + images + " images of " + request.count());
            }
            Optional<ImageBatch> kept = keep.images() ? Optional.of(ImageBatch.concat(pixels)) : Optional.empty();
            return new RequestOutcome(index, request.seed(), intendedStart, start, firstEvent, ticker.nanoTime(), images,
                    steps, completed.evaluationsByRoute(), completed.evaluationsByModel(), kept, List.copyOf(timeline),
                    null, null);
        }

        synchronized RequestOutcome failed(String kind, String message) {
            return new RequestOutcome(index, request.seed(), intendedStart, start, firstEvent, ticker.nanoTime(), images,
                    steps, Map.of(), Map.of(), Optional.empty(), List.copyOf(timeline), kind, message);
        }
    }
}
