package dev.phaseflow.app.http;

import dev.phaseflow.pipeline.SampleRequest;
import dev.phaseflow.pipeline.SamplingService;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.timeout.WriteTimeoutException;
import io.netty.handler.timeout.WriteTimeoutHandler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import javax.imageio.ImageIO;
import org.reactivestreams.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.publisher.SignalType;
import reactor.core.scheduler.Schedulers;
import reactor.netty.DisposableServer;
import reactor.netty.channel.AbortedException;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * The phaseflow HTTP API on Reactor Netty: sample streams, model catalogue, health, readiness,
 * metrics and the web viewer. One dispatcher matches every request against a fixed table of
 * endpoints, so unknown paths (404), wrong methods (405), missing tokens (401) and every
 * failure get the same JSON error body, and nothing a client sends can stop the server.
 */
public final class PhaseflowServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PhaseflowServer.class);
    public static final int DEFAULT_MAX_BODY_BYTES = 64 * 1024;

    /** READY serves everything; DRAINING refuses new samples and fails readiness while running ones finish. */
    public enum State { READY, DRAINING, STOPPED }

    /**
     * Connection limits (defaults: {@link #DEFAULTS}).
     *
     * @param header         the headers of a request must be complete within this of its first byte, and its body
     *                       within as long again
     * @param idle           a connection with no request (before the first, between keep-alive requests) closes
     * @param stall          a write the client has not taken within this closes the connection (and cancels its stream)
     * @param maxConnections connections at once; past it new ones are closed at once
     */
    public record Connections(Duration header, Duration idle, Duration stall, int maxConnections) {
        public static final Connections DEFAULTS = new Connections(Duration.ofSeconds(10), Duration.ofSeconds(30),
                Duration.ofSeconds(30), 1024);

        public Connections {
            if (header.isNegative() || header.isZero() || idle.isNegative() || idle.isZero() || stall.isNegative()
                    || stall.isZero() || maxConnections < 1) {
                throw new IllegalArgumentException("connection timeouts and the connection limit must be positive: " + this);
            }
        }
    }

    private record Endpoint(String method, boolean open,
                            BiFunction<HttpServerRequest, HttpServerResponse, Mono<Void>> handler) {}

    private final Map<String, List<Endpoint>> endpoints = new LinkedHashMap<>();
    private final BearerAuth auth;
    private final HttpObserver observer;
    private final RequestCounters counters = new RequestCounters();
    private final MetricsEndpoint metrics;
    private final DisposableServer server;
    private final String host;
    private final SamplesHandler samples;
    private final java.util.function.Supplier<String> notReady;
    private volatile State state = State.READY;

    static {
        // ImageIO's default disk cache gives every PNG a temp file registered with deleteOnExit,
        // which throws once shutdown has begun: streams still draining on SIGTERM would fail
        ImageIO.setUseCache(false);
    }

    private PhaseflowServer(Builder b) {
        this.auth = b.token == null ? null : new BearerAuth(b.token);
        this.observer = b.observer;
        this.metrics = b.metrics != null ? b.metrics : counters;
        this.host = b.host;
        this.notReady = b.notReady;
        this.samples = new SamplesHandler(b.service, b.limits, b.maxBodyBytes, () -> state != State.READY, b.deltaAt);
        byte[] catalog = b.catalog.body();
        StaticAssets assets = StaticAssets.load();

        add("POST", "/v1/samples", false, samples::handle);
        add("GET", "/v1/models", false, (req, res) -> Responses.bytes(res, 200, Responses.JSON_TYPE, catalog));
        add("GET", "/healthz", true, (req, res) -> Responses.json(res, 200, Responses.object().put("status", "ok")));
        add("GET", "/readyz", false, (req, res) -> readiness(res));
        add("GET", "/metrics", false, (req, res) -> scrape(res));
        if (b.diagnostics != null) {
            java.util.function.Supplier<com.fasterxml.jackson.databind.node.ObjectNode> diagnostics = b.diagnostics;
            add("GET", "/v1/diagnostics", false, (req, res) -> Mono.fromCallable(diagnostics::get)
                    .subscribeOn(Schedulers.boundedElastic())
                    .publishOn(Responses.loop(res))
                    .flatMap(body -> Responses.json(res, 200, body)));
        }
        // the viewer's files carry no data: open, so a browser can load the page and then ask for the token
        for (String path : assets.paths()) {
            StaticAssets.Asset a = assets.get(path).orElseThrow();
            add("GET", path, true, (req, res) -> {
                res.header(HttpHeaderNames.CACHE_CONTROL, "no-cache");
                return Responses.bytes(res, 200, a.contentType(), a.body());
            });
        }
        Connections limits = b.connections;
        this.server = HttpServer.create()
                .host(b.host)
                .port(b.port)
                // Reactor Netty's own limits: silence before and between requests closes the connection,
                // connections past the maximum are closed as they come, a body must arrive in time
                .idleTimeout(limits.idle())
                .maxConnections(limits.maxConnections())
                .requestTimeout(limits.header())
                .doOnChannelInit((observer, channel, address) -> HeaderReadTimeout.install(channel.pipeline(), limits.header()))
                // Netty's: a write the client has not taken within the stall limit closes the connection,
                // which cancels its stream and frees its admission slot and buffers
                .doOnConnection(conn -> conn.addHandlerFirst("phaseflow.stallTimeout",
                        new WriteTimeoutHandler(limits.stall().toMillis(), TimeUnit.MILLISECONDS)))
                .handle(this::dispatch)
                .bindNow(Duration.ofSeconds(30));
    }

    public static Builder builder(SamplingService service) {
        return new Builder(service);
    }

    private void add(String method, String path, boolean open,
                     BiFunction<HttpServerRequest, HttpServerResponse, Mono<Void>> handler) {
        endpoints.computeIfAbsent(path, p -> new ArrayList<>()).add(new Endpoint(method, open, handler));
    }

    private Publisher<Void> dispatch(HttpServerRequest req, HttpServerResponse res) {
        long start = System.nanoTime();
        String method = req.method().name();
        String path = new QueryStringDecoder(req.uri()).path();
        List<Endpoint> atPath = endpoints.get(path);
        String label = atPath == null ? "unmatched" : path;
        observe(o -> o.requestStarted(label, method));
        Mono<Void> answer;
        try {
            answer = answer(req, res, path, method, atPath);
        } catch (RuntimeException e) {
            answer = Mono.error(e);
        }
        AtomicBoolean clientGone = new AtomicBoolean();
        return answer
                .publishOn(Responses.loop(res)) // errors from engine threads are answered from the loop
                .onErrorResume(e -> {
                    if (e instanceof ClientGoneException || e instanceof AbortedException || AbortedException.isConnectionReset(e)
                            || e instanceof WriteTimeoutException) {
                        // the client hung up (mid-body, mid-stream): nobody is left to answer
                        LOG.debug("{} {}: the client closed the connection", method, path);
                        clientGone.set(true);
                        return Mono.empty();
                    }
                    return fail(res, method, path, e);
                })
                .doFinally(signal -> {
                    // 499: the client went away before its response ended (nginx's convention). Reactor
                    // Netty also cancels handlers whose whole response went out in one write, so a
                    // cancel only means "gone" while nothing was sent yet.
                    boolean gone = clientGone.get() || signal == SignalType.CANCEL && !res.hasSentHeaders();
                    int status = gone ? 499 : res.status().code();
                    observe(o -> o.requestFinished(label, method, status, System.nanoTime() - start));
                });
    }

    private Mono<Void> answer(HttpServerRequest req, HttpServerResponse res, String path, String method,
                              List<Endpoint> atPath) {
        if (atPath == null) {
            throw new ApiException(404, "not_found", "no endpoint at " + clip(path)
                    + " (see /openapi.yaml: POST /v1/samples, GET /v1/models, /healthz, /readyz, /metrics, /)");
        }
        Endpoint endpoint = atPath.stream().filter(e -> e.method().equals(method)).findFirst().orElse(null);
        if (endpoint == null) {
            String allowed = String.join(", ", atPath.stream().map(Endpoint::method).toList());
            res.header(HttpHeaderNames.ALLOW, allowed);
            throw new ApiException(405, "method_not_allowed", method + " is not allowed on " + path + " (allowed: " + allowed + ")");
        }
        if (auth != null && !endpoint.open() && !auth.accepts(req.requestHeaders().get(HttpHeaderNames.AUTHORIZATION))) {
            throw new ApiException(401, "unauthorized", path + " needs the header 'Authorization: Bearer <token>'");
        }
        return endpoint.handler().apply(req, res);
    }

    private Mono<Void> fail(HttpServerResponse res, String method, String path, Throwable e) {
        ApiException api = Responses.toApi(e);
        if (res.hasSentHeaders()) {
            // a stream that already started reports failures in-band; here only the connection is left to close
            LOG.warn("{} {} failed after its response started: {}", method, path, e.toString());
            return Mono.error(e);
        }
        if ("internal".equals(api.error())) {
            LOG.warn("{} {} answered {}: {}", method, path, api.status(), api.getMessage(), e);
        } else if ("sampling_failed".equals(api.error())) {
            LOG.warn("{} {} answered {}: {}", method, path, api.status(), api.getMessage());
        } else {
            LOG.debug("{} {} answered {}: {}", method, path, api.status(), api.getMessage());
        }
        return Responses.error(res, api);
    }

    private Mono<Void> readiness(HttpServerResponse res) {
        if (state == State.READY) {
            String reason = notReady.get();
            if (reason == null) {
                return Responses.json(res, 200, Responses.object().put("status", "ready"));
            }
            return Responses.error(res, new ApiException(503, "not_ready", "not ready: " + reason));
        }
        return Responses.error(res, new ApiException(503, "not_ready", "the server is " + state.name().toLowerCase(Locale.ROOT)
                + ": running requests finish, new ones are refused"));
    }

    private Mono<Void> scrape(HttpServerResponse res) {
        // a registry scrape may take a while: never on the event loop
        return Mono.fromCallable(metrics::scrape)
                .subscribeOn(Schedulers.boundedElastic())
                .publishOn(Responses.loop(res))
                .flatMap(body -> Responses.bytes(res, 200, metrics.contentType(), body));
    }

    private void observe(Consumer<HttpObserver> call) {
        try {
            call.accept(counters);
            call.accept(observer);
        } catch (RuntimeException e) {
            LOG.warn("an HTTP observer failed: {}", e.toString());
        }
    }

    private static String clip(String s) {
        return s.length() <= 80 ? s : s.substring(0, 77) + "...";
    }

    /** The bound port (useful with port 0). */
    public int port() {
        return server.port();
    }

    /** Base URL, ending in '/'. */
    public String url() {
        String h = host.contains(":") ? "[" + host + "]" : host;
        return "http://" + h + ":" + port() + "/";
    }

    public State state() {
        return state;
    }

    /** The server's own request counters (also the default /metrics page). */
    public RequestCounters counters() {
        return counters;
    }

    /** Readiness fails and new sample requests are refused; running streams go on. */
    public void beginDrain() {
        if (state == State.READY) {
            state = State.DRAINING;
            LOG.info("draining: readiness fails, new sample requests are refused");
        }
    }

    /**
     * Graceful shutdown: drain, close the service (which waits for its running requests and ends
     * the rest with an error), let the open event streams send their last frames within
     * {@code grace}, then stop the server.
     */
    public void shutdown(AutoCloseable service, Duration grace) {
        beginDrain();
        try {
            service.close();
        } catch (Exception e) {
            LOG.warn("closing the sampling service: {}", e.toString());
        }
        long deadline = System.nanoTime() + grace.toNanos();
        while (samples.openStreams() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        stop(grace);
    }

    /** Stops accepting connections and closes the server, waiting up to {@code grace} for open responses. */
    public void stop(Duration grace) {
        if (state == State.STOPPED) {
            return;
        }
        state = State.STOPPED;
        try {
            server.disposeNow(grace);
        } catch (IllegalStateException e) {
            LOG.warn("the server did not stop within {}: {}", grace, e.getMessage());
        }
    }

    /** Completes when the server has stopped. */
    public Mono<Void> onDispose() {
        return server.onDispose();
    }

    @Override
    public void close() {
        beginDrain();
        stop(Duration.ofSeconds(5));
    }

    /** How to build a server; {@link #start()} binds it. */
    public static final class Builder {
        private final SamplingService service;
        private String host = "127.0.0.1";
        private int port = 8080;
        private String token;
        private SampleRequest.Limits limits = SampleRequest.Limits.defaults();
        private int maxBodyBytes = DEFAULT_MAX_BODY_BYTES;
        private ModelCatalog catalog;
        private MetricsEndpoint metrics;
        private HttpObserver observer = HttpObserver.NONE;
        private java.util.function.DoubleUnaryOperator deltaAt;
        private java.util.function.Supplier<com.fasterxml.jackson.databind.node.ObjectNode> diagnostics;
        private Connections connections = Connections.DEFAULTS;
        private java.util.function.Supplier<String> notReady = () -> null;

        private Builder(SamplingService service) {
            this.service = Objects.requireNonNull(service, "service");
        }

        public Builder host(String h) { this.host = Objects.requireNonNull(h); return this; }
        public Builder port(int p) { this.port = p; return this; }
        /** Null or blank: no authentication. */
        public Builder token(String t) { this.token = t == null || t.isBlank() ? null : t; return this; }
        /** Must match the service's own limits, so the server rejects what the service would. */
        public Builder limits(SampleRequest.Limits l) { this.limits = Objects.requireNonNull(l); return this; }
        public Builder maxBodyBytes(int n) { this.maxBodyBytes = n; return this; }
        /** Why the service cannot serve now (null: it can); /readyz answers 503 with it. */
        public Builder readiness(java.util.function.Supplier<String> reason) { this.notReady = Objects.requireNonNull(reason); return this; }
        /** Header, idle and stall timeouts and the connection limit. */
        public Builder connections(Connections c) { this.connections = Objects.requireNonNull(c); return this; }
        public Builder catalog(ModelCatalog c) { this.catalog = c; return this; }
        /** What /metrics serves; default: the server's request counters. */
        public Builder metrics(MetricsEndpoint m) { this.metrics = m; return this; }
        /** Also told about every request (the server's own counters always are). */
        public Builder observer(HttpObserver o) { this.observer = Objects.requireNonNull(o); return this; }
        /** The live Delta at a sigma (NaN when unknown): sent as "delta" in step events. */
        public Builder deltaAt(java.util.function.DoubleUnaryOperator f) { this.deltaAt = f; return this; }
        /** What GET /v1/diagnostics answers (live phase diagnostics); no endpoint when unset. */
        public Builder diagnostics(java.util.function.Supplier<com.fasterxml.jackson.databind.node.ObjectNode> d) {
            this.diagnostics = d;
            return this;
        }

        public PhaseflowServer start() {
            if (catalog == null) {
                throw new IllegalStateException("a model catalog is needed (ModelCatalog.of(modelSet))");
            }
            if (maxBodyBytes < 1 || port < 0 || port > 65535) {
                throw new IllegalArgumentException("max body bytes must be positive and the port in 0..65535");
            }
            return new PhaseflowServer(this);
        }
    }
}
