package dev.phaseflow.app.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.phaseflow.actors.EngineConfig;
import dev.phaseflow.actors.EngineObserver;
import dev.phaseflow.actors.PhaseflowEngine;
import dev.phaseflow.models.Denoiser;
import dev.phaseflow.models.ModelRole;
import dev.phaseflow.pipeline.GaussianData;
import dev.phaseflow.pipeline.ModelSet;
import dev.phaseflow.pipeline.SampleRequest;
import dev.phaseflow.pipeline.routing.RouterPlan;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The real server on a random port, on the actor engine with analytic Gaussian denoisers (global
 * "g", local "l"; 8x8 grey images): fast, exact and deterministic, so the HTTP tests check the
 * protocol rather than models.
 */
final class ServerFixture implements AutoCloseable {
    static final GaussianData DATA = new GaussianData(1, 8, 8);
    static final ObjectMapper JSON = new ObjectMapper();
    static final SampleRequest.Limits LIMITS = SampleRequest.Limits.defaults();

    final PhaseflowEngine engine;
    final PhaseflowServer server;
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    private ServerFixture(PhaseflowEngine engine, PhaseflowServer server) {
        this.engine = engine;
        this.server = server;
    }

    /** Sigma >= 5 and < 0.5 go to the local model, the window [0.5, 5) to the global one (as in EngineTest). */
    static RouterPlan plan(String global, String local) {
        return new RouterPlan(global, local, 0.5, 5.0, List.of(new RouterPlan.Interval(0, 0.5, local),
                new RouterPlan.Interval(0.5, 5.0, global), new RouterPlan.Interval(5.0, Double.POSITIVE_INFINITY, local)),
                null);
    }

    static ModelSet models(Denoiser global, Denoiser local) {
        return new ModelSet(Map.of("g", global, "l", local), plan("g", "l"), 0.01, 20, DATA.channels, DATA.height, DATA.width);
    }

    static ModelSet exact() {
        return models(DATA.denoiser("g", ModelRole.GLOBAL), DATA.denoiser("l", ModelRole.LOCAL));
    }

    static EngineConfig smallEngine() {
        return EngineConfig.defaults().withWorkers(1).withInferenceThreads(2).withDrainTimeout(Duration.ofSeconds(20));
    }

    static ServerFixture start() {
        return start(exact(), smallEngine(), b -> {});
    }

    static ServerFixture start(ModelSet models, EngineConfig config, Consumer<PhaseflowServer.Builder> customise) {
        PhaseflowEngine engine = PhaseflowEngine.create(models, config, LIMITS, EngineObserver.NONE);
        try {
            PhaseflowServer.Builder b = PhaseflowServer.builder(engine).port(0).limits(LIMITS).catalog(ModelCatalog.of(models));
            customise.accept(b);
            return new ServerFixture(engine, b.start());
        } catch (RuntimeException e) {
            engine.close();
            throw e;
        }
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }

    HttpResponse<String> get(String path, String... headers) {
        return send(request(path, headers).GET().build());
    }

    HttpResponse<String> post(String path, String body, String... headers) {
        return send(request(path, headers).POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    HttpResponse<byte[]> postForBytes(String path, String body, String... headers) {
        try {
            return http.send(request(path, headers).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    HttpRequest.Builder request(String path, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(60));
        for (int i = 0; i + 1 < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return b;
    }

    HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** One Server-Sent Event. */
    record Sse(String name, JsonNode data) {}

    /** Parses a whole SSE body into its events. */
    static List<Sse> events(String body) {
        List<Sse> out = new ArrayList<>();
        for (String frame : body.split("\n\n")) {
            if (frame.isBlank()) {
                continue;
            }
            String name = "message";
            StringBuilder data = new StringBuilder();
            for (String line : frame.split("\n")) {
                if (line.startsWith("event: ")) {
                    name = line.substring(7);
                } else if (line.startsWith("data: ")) {
                    data.append(line.substring(6));
                }
            }
            out.add(new Sse(name, json(data.toString())));
        }
        return out;
    }

    static JsonNode json(String s) {
        try {
            return JSON.readTree(s);
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + s, e);
        }
    }

    /** Polls until the condition holds or the deadline passes (never asserts on time itself). */
    static boolean eventually(java.util.function.BooleanSupplier condition, Duration deadline) throws InterruptedException {
        long end = System.nanoTime() + deadline.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                return false;
            }
            Thread.sleep(10);
        }
        return true;
    }

    @Override
    public void close() {
        server.close();
        engine.close();
    }
}
