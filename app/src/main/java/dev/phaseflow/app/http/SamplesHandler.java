package dev.phaseflow.app.http;

import dev.phaseflow.models.Png;
import dev.phaseflow.pipeline.SampleEvent;
import dev.phaseflow.pipeline.SampleRequest;
import dev.phaseflow.pipeline.SamplingService;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpHeaderNames;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * {@code POST /v1/samples}: a JSON request in, Server-Sent Events out (or, with
 * {@code Accept: image/png} and count 1, the image itself). The response status waits for the
 * engine's first signal, so a refused request (overloaded, invalid) still gets a proper error
 * status instead of a 200 stream. Cancelling the response (the client went away) cancels the run.
 */
final class SamplesHandler {
    private static final Logger LOG = LoggerFactory.getLogger(SamplesHandler.class);

    private final SamplingService service;
    private final SampleRequestJson parser;
    private final int maxBodyBytes;
    private final BooleanSupplier draining;
    private final java.util.function.DoubleUnaryOperator deltaAt;
    /** PNG and JSON encoding are CPU work: off the event loop and off the engine's threads. */
    private final Scheduler encoder = Schedulers.parallel();
    /** Event streams whose response has not ended yet (the drain waits for their last frames). */
    private final java.util.concurrent.atomic.AtomicInteger openStreams = new java.util.concurrent.atomic.AtomicInteger();

    /** {@code deltaAt} (may be null): the live Delta at a sigma, added to step events. */
    SamplesHandler(SamplingService service, SampleRequest.Limits limits, int maxBodyBytes, BooleanSupplier draining,
                   java.util.function.DoubleUnaryOperator deltaAt) {
        this.service = service;
        this.deltaAt = deltaAt;
        this.parser = new SampleRequestJson(limits);
        this.maxBodyBytes = maxBodyBytes;
        this.draining = draining;
    }

    Mono<Void> handle(HttpServerRequest req, HttpServerResponse res) {
        if (draining.getAsBoolean()) {
            return Mono.error(new ApiException(503, "shutting_down", "the server is shutting down and takes no new requests"));
        }
        String declared = req.requestHeaders().get(HttpHeaderNames.CONTENT_LENGTH);
        if (declared != null && parseLength(declared) > maxBodyBytes) {
            return Mono.error(tooLarge());
        }
        boolean png = wantsPng(req.requestHeaders().get(HttpHeaderNames.ACCEPT));
        boolean json = declaresJson(req.requestHeaders().get(HttpHeaderNames.CONTENT_TYPE));
        return body(req).map(bytes -> {
            if (json && isBlank(bytes)) {
                // a client that says it sends JSON and sends nothing has lost its body somewhere: say so
                throw new ApiException(400, "malformed_json", "the body is empty but Content-Type is application/json; "
                        + "send {} for every default");
            }
            return parser.parseTimed(bytes);
        }).flatMap(r -> png ? png(r, res) : stream(r, res));
    }

    static boolean declaresJson(String contentType) {
        return contentType != null && contentType.toLowerCase(java.util.Locale.ROOT).trim().startsWith("application/json");
    }

    private static boolean isBlank(byte[] body) {
        for (byte b : body) {
            if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
                return false;
            }
        }
        return true;
    }

    /** PNG only when asked for and not alongside event streams (browsers send Accept: &#42;/&#42;). */
    static boolean wantsPng(String accept) {
        return accept != null && accept.contains("image/png") && !accept.contains("text/event-stream");
    }

    private Mono<byte[]> body(HttpServerRequest req) {
        // counts what arrives too: a chunked body has no Content-Length to check up front
        return req.receive().reduceWith(ByteArrayOutputStream::new, (out, buf) -> {
            int n = buf.readableBytes();
            if (out.size() + n > maxBodyBytes) {
                throw tooLarge();
            }
            byte[] chunk = new byte[n];
            buf.readBytes(chunk);
            out.write(chunk, 0, n);
            return out;
        }).map(ByteArrayOutputStream::toByteArray);
    }

    int openStreams() {
        return openStreams.get();
    }

    private Mono<Void> stream(SampleRequestJson.Timed timed, HttpServerResponse res) {
        return service.sample(timed.request(), timed.timeout()).switchOnFirst((first, events) -> {
            if (first.isOnError()) {
                return Mono.<Void>error(first.getThrowable());
            }
            String requestId = first.hasValue() ? first.get().requestId() : "";
            AtomicBoolean cancelled = new AtomicBoolean();
            Flux<ByteBuf> frames = events
                    .publishOn(encoder)
                    .map(e -> SseFrames.encode(e, deltaAt))
                    .onErrorResume(e -> {
                        LOG.warn("sample request {} failed: {}", requestId, e.getMessage());
                        return Mono.just(SseFrames.error(Responses.toApi(e)));
                    })
                    .map(frame -> Unpooled.wrappedBuffer(frame.getBytes(StandardCharsets.UTF_8)))
                    .publishOn(Responses.loop(res))
                    .doOnCancel(() -> cancelled.set(true));
            openStreams.incrementAndGet();
            return res.status(200)
                    .sse()
                    .header(HttpHeaderNames.CACHE_CONTROL, "no-cache")
                    .header("X-Accel-Buffering", "no")
                    .header("X-Request-Id", requestId)
                    .send(frames, frame -> true) // flush every event: a client watches them arrive
                    .then()
                    // Netty completes the send quietly when the connection drops; say so
                    .then(Mono.defer(() -> cancelled.get() ? Mono.error(new ClientGoneException()) : Mono.<Void>empty()))
                    .doFinally(s -> openStreams.decrementAndGet());
        }).then();
    }

    private Mono<Void> png(SampleRequestJson.Timed timed, HttpServerResponse res) {
        SampleRequest request = timed.request();
        if (request.count() != 1) {
            return Mono.error(ApiException.invalidField("count", "Accept: image/png returns one image, so count must be 1, got "
                    + request.count() + " (ask for text/event-stream to get several)"));
        }
        return service.sample(request.withPreviewEvery(0), timed.timeout())
                .ofType(SampleEvent.Image.class)
                .last()
                .publishOn(encoder)
                .map(image -> {
                    res.header("X-Request-Id", image.requestId());
                    return Png.encode(image.pixels(), 0);
                })
                .publishOn(Responses.loop(res))
                .flatMap(png -> Responses.bytes(res, 200, "image/png", png));
    }

    private ApiException tooLarge() {
        return new ApiException(413, "payload_too_large", "the body is larger than " + maxBodyBytes + " bytes");
    }

    private static long parseLength(String value) {
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE;
        }
    }
}
