package dev.phaseflow.app.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.phaseflow.actors.OverloadedException;
import dev.phaseflow.api.Wire;
import dev.phaseflow.pipeline.InvalidRequestException;
import dev.phaseflow.pipeline.SamplingException;
import io.netty.handler.codec.http.HttpHeaderNames;
import java.io.UncheckedIOException;
import io.netty.channel.EventLoop;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;
import reactor.netty.http.server.HttpServerResponse;

/** Writing whole responses, and what status each failure gets. */
final class Responses {
    static final String JSON_TYPE = "application/json";

    private Responses() {}

    static Mono<Void> bytes(HttpServerResponse res, int status, String contentType, byte[] body) {
        return res.status(status)
                .header(HttpHeaderNames.CONTENT_TYPE, contentType)
                .header(HttpHeaderNames.CONTENT_LENGTH, String.valueOf(body.length))
                .sendByteArray(Mono.just(body))
                .then();
    }

    /** {@code body}: a JSON tree or a wire record. */
    static Mono<Void> json(HttpServerResponse res, int status, Object body) {
        try {
            return bytes(res, status, JSON_TYPE, Wire.mapper().writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Mono<Void> error(HttpServerResponse res, ApiException e) {
        if (e.status() == 401) {
            res.header(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer realm=\"phaseflow\"");
        }
        if (e.status() == 503) {
            res.header(HttpHeaderNames.RETRY_AFTER, String.valueOf(e.retryAfterSeconds()));
        }
        return json(res, e.status(), e.toBody());
    }

    /**
     * The connection's event loop as a scheduler: signals from other threads hop onto it, signals
     * already on it run inline. Responses produced on other threads are written and completed from
     * the loop because Reactor Netty 1.3 can stop reading a keep-alive connection whose next request
     * arrives before an off-loop response has terminated (reactor/reactor-netty#4361, #4188).
     */
    static Scheduler loop(HttpServerResponse res) {
        EventLoop[] loop = new EventLoop[1];
        res.withConnection(c -> loop[0] = c.channel().eventLoop());
        EventLoop l = loop[0];
        return Schedulers.fromExecutor(task -> {
            if (l.inEventLoop()) {
                task.run();
            } else {
                l.execute(task);
            }
        });
    }

    static ObjectNode object() {
        return Wire.mapper().createObjectNode();
    }

    /** The API error of any failure: the engine's exceptions keep their meaning, the rest is a 500. */
    static ApiException toApi(Throwable e) {
        if (e instanceof ApiException api) {
            return api;
        }
        if (e instanceof InvalidRequestException invalid) {
            return ApiException.invalidField(invalid.field(), invalid.getMessage());
        }
        if (e instanceof OverloadedException overloaded) {
            return ApiException.unavailable("overloaded", e.getMessage(), overloaded.retryAfterSeconds());
        }
        if (e instanceof SamplingException) {
            return new ApiException(500, "sampling_failed", e.getMessage());
        }
        return new ApiException(500, "internal", "internal error: " + (e.getMessage() != null ? e.getMessage() : e.toString()));
    }
}
