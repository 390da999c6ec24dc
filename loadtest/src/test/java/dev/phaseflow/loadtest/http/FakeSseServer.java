package dev.phaseflow.loadtest.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.phaseflow.models.Png;
import dev.phaseflow.pipeline.SampleEvent;
import dev.phaseflow.pipeline.SampleRequest;
import dev.phaseflow.pipeline.SamplingService;
import dev.phaseflow.pipeline.routing.Mode;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A tiny stand-in for the phaseflow server on 127.0.0.1: POST /v1/samples answered by a handler,
 * by default the events of a {@link SamplingService} in the wire format the load test expects.
 */
public final class FakeSseServer implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();

    /** Answers one exchange, given the request body. */
    @FunctionalInterface
    public interface Handler {
        void handle(String body, HttpExchange exchange) throws IOException;
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    public final List<String> bodies = new CopyOnWriteArrayList<>();

    public FakeSseServer(Handler handler) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(executor);
        server.createContext(WireFormat.PATH, exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            bodies.add(body);
            try {
                handler.handle(body, exchange);
            } catch (IOException e) {
                // the client went away (cancelled); nothing to answer
            } finally {
                exchange.close();
            }
        });
        server.start();
    }

    /** A server streaming the service's events for each request body. */
    public static FakeSseServer serving(SamplingService service) throws IOException {
        return new FakeSseServer((body, exchange) -> {
            SampleRequest request = parse(body);
            startStream(exchange);
            OutputStream out = exchange.getResponseBody();
            for (SampleEvent e : service.sample(request).collectList().block(Duration.ofMinutes(1))) {
                write(out, name(e), encode(e));
            }
        });
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public static void startStream(HttpExchange exchange) throws IOException {
        exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
        exchange.sendResponseHeaders(200, 0);
    }

    public static void write(OutputStream out, String event, String data) throws IOException {
        out.write(("event: " + event + "\ndata: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    static SampleRequest parse(String body) throws IOException {
        var n = JSON.readTree(body);
        return new SampleRequest(n.get("count").asInt(), n.get("steps").asInt(), n.get("solver").asText(),
                n.get("schedule").asText(), Mode.parse(n.get("mode").asText()), n.get("seed").asLong(),
                n.get("preview_every").asInt(), n.get("eta").asDouble());
    }

    static String name(SampleEvent e) {
        if (e instanceof SampleEvent.Started) {
            return "started";
        }
        if (e instanceof SampleEvent.Step) {
            return "step";
        }
        return e instanceof SampleEvent.Image ? "image" : "completed";
    }

    /** The server's JSON for an event (as the wire format describes it). */
    static String encode(SampleEvent e) {
        ObjectNode n = JSON.createObjectNode();
        if (e instanceof SampleEvent.Started s) {
            n.put("request_id", s.requestId());
            ArrayNode sigmas = n.putArray("sigmas");
            for (double v : s.sigmas()) {
                sigmas.add(v);
            }
            ArrayNode models = n.putArray("models");
            s.models().forEach(models::add);
        } else if (e instanceof SampleEvent.Step s) {
            n.put("index", s.index());
            n.put("sigma", s.sigma());
            n.put("route", s.route().id());
            n.put("model", s.model());
            ArrayNode models = n.putArray("models");
            s.models().forEach(models::add);
        } else if (e instanceof SampleEvent.Image img) {
            n.put("index", img.index());
            n.put("png", Base64.getEncoder().encodeToString(Png.encode(img.pixels(), 0)));
        } else if (e instanceof SampleEvent.Completed c) {
            n.put("images", c.images());
            ObjectNode routes = n.putObject("evaluations_by_route");
            c.evaluationsByRoute().forEach((r, v) -> routes.put(r.id(), v));
            ObjectNode models = n.putObject("evaluations_by_model");
            c.evaluationsByModel().forEach(models::put);
            n.put("wall_seconds", c.wallNanos() / 1e9);
        }
        return n.toString();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
