package dev.phaseflow.loadtest.http;

import dev.phaseflow.pipeline.SampleEvent;
import dev.phaseflow.pipeline.SampleRequest;
import dev.phaseflow.pipeline.SamplingService;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicReference;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;

/**
 * A phaseflow server as a {@link SamplingService}: each request is a {@code POST {url}/v1/samples}
 * whose Server-Sent Events become {@link SampleEvent}s (see {@link WireFormat}). Only loopback
 * URLs are accepted. Cancelling the Flux aborts the HTTP exchange.
 */
public final class RemoteSamplingService implements SamplingService {
    private final URI endpoint;
    private final HttpClient client;
    private final Duration requestTimeout;

    /** @param url the server's base URL, e.g. http://127.0.0.1:8080 (loopback only) */
    public RemoteSamplingService(String url, Duration requestTimeout) {
        URI base = Loopback.check(url);
        this.endpoint = URI.create(base + WireFormat.PATH);
        this.requestTimeout = requestTimeout;
        // HTTP/1.1: an event stream per connection, no h2c upgrade surprises on a plain-text port
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
    }

    public URI endpoint() {
        return endpoint;
    }

    @Override
    public Flux<SampleEvent> sample(SampleRequest request) {
        return Flux.create(sink -> send(request, sink), FluxSink.OverflowStrategy.BUFFER);
    }

    private void send(SampleRequest request, FluxSink<SampleEvent> sink) {
        HttpRequest http = HttpRequest.newBuilder(endpoint)
                .timeout(requestTimeout) // bounds the wait for the response headers
                .header("Content-Type", "application/json")
                .header("Accept", "text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(WireFormat.requestBody(request)))
                .build();
        EventLines lines = new EventLines(request, sink);
        CompletableFuture<HttpResponse<Void>> response = client.sendAsync(http, info -> info.statusCode() == 200
                ? HttpResponse.BodySubscribers.fromLineSubscriber(lines)
                : HttpResponse.BodySubscribers.<String, Void>mapping(
                        HttpResponse.BodySubscribers.ofString(StandardCharsets.UTF_8), body -> {
                            sink.error(WireFormat.httpError(info.statusCode(), body));
                            return null;
                        }));
        response.whenComplete((r, e) -> {
            if (e != null) {
                sink.error(e);
            }
        });
        sink.onDispose(() -> {
            lines.cancel();
            response.cancel(true);
        });
    }

    /** The response body, line by line, parsed into events and forwarded to the sink. */
    private static final class EventLines implements Flow.Subscriber<String> {
        private final SampleRequest request;
        private final FluxSink<SampleEvent> sink;
        private final SseParser parser = new SseParser();
        private final AtomicReference<Flow.Subscription> subscription = new AtomicReference<>();
        private String requestId = UUID.randomUUID().toString();
        private volatile boolean done;

        EventLines(SampleRequest request, FluxSink<SampleEvent> sink) {
            this.request = request;
            this.sink = sink;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription.set(s);
            if (done) {
                s.cancel();
            } else {
                s.request(Long.MAX_VALUE);
            }
        }

        @Override
        public void onNext(String line) {
            if (done) {
                return;
            }
            try {
                Optional<SseEvent> e = parser.line(line);
                if (e.isEmpty()) {
                    return;
                }
                Optional<SampleEvent> event = WireFormat.toSampleEvent(e.get(), request, requestId);
                if (event.isEmpty()) {
                    return;
                }
                if (event.get() instanceof SampleEvent.Started s) {
                    requestId = s.requestId();
                }
                sink.next(event.get());
                if (event.get() instanceof SampleEvent.Completed) {
                    finish(null); // the stream's job is done; do not wait for the server to close it
                }
            } catch (RuntimeException ex) {
                finish(ex);
            }
        }

        @Override
        public void onError(Throwable t) {
            finish(t);
        }

        @Override
        public void onComplete() {
            finish(null);
        }

        private void finish(Throwable error) {
            if (done) {
                return;
            }
            done = true;
            if (error == null) {
                sink.complete();
            } else {
                sink.error(error);
            }
            cancel();
        }

        void cancel() {
            done = true;
            Flow.Subscription s = subscription.get();
            if (s != null) {
                s.cancel();
            }
        }
    }

    @Override
    public void close() {
        // java.net.http.HttpClient in Java 17 has no close; its connections end with their exchanges
    }
}
