package dev.phaseflow.app;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * One soak client's traffic against a loopback server: sample streams of mixed sizes and modes,
 * PNG requests, streams it cancels part way, bad requests (malformed JSON, unknown fields, empty
 * JSON bodies, values out of range), and metrics and health polls. Counts what each got.
 */
final class SoakTraffic {
    /** What kinds of request the clients send, in what shares (per cent). */
    enum Kind {
        STREAM(40), PNG(15), CANCEL(15), BAD(15), POLL(15);

        final int share;

        Kind(int share) {
            this.share = share;
        }
    }

    private static final String[] MODES = {"hybrid", "global", "local", "hybrid"};
    private static final String[] BAD = {"{\"steps\": ", "{\"stepz\": 4}", "", "{\"steps\": 100000}", "[1,2]",
            "{\"count\": \"two\"}", "{\"timeout\": -1}"};

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    private final URI base;
    final Map<String, LongAdder> outcomes = new ConcurrentHashMap<>();

    SoakTraffic(URI base) {
        this.base = base;
    }

    private void count(String outcome) {
        outcomes.computeIfAbsent(outcome, k -> new LongAdder()).increment();
    }

    static Kind pick(SplittableRandom random) {
        int draw = random.nextInt(100);
        for (Kind k : Kind.values()) {
            if ((draw -= k.share) < 0) {
                return k;
            }
        }
        return Kind.POLL;
    }

    /** Sends one request of a random kind and reads its answer; never throws for what the server answers. */
    void once(SplittableRandom random) {
        Kind kind = pick(random);
        try {
            switch (kind) {
                case STREAM -> stream(random, false);
                case CANCEL -> stream(random, true);
                case PNG -> png(random);
                case BAD -> bad(random);
                case POLL -> poll(random);
            }
        } catch (IOException e) {
            count(kind.name().toLowerCase() + "_io_error");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private String sampleBody(SplittableRandom random) {
        return "{\"count\": " + (1 + random.nextInt(4)) + ", \"steps\": " + (8 + random.nextInt(25)) + ", \"mode\": \""
                + MODES[random.nextInt(MODES.length)] + "\", \"seed\": " + random.nextInt(1_000_000)
                + ", \"preview_every\": " + random.nextInt(3) * 4 + "}";
    }

    private HttpRequest.Builder post(String body) {
        return HttpRequest.newBuilder(base.resolve("/v1/samples")).timeout(Duration.ofMinutes(5))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
    }

    private void stream(SplittableRandom random, boolean cancel) throws IOException, InterruptedException {
        HttpResponse<InputStream> res = http.send(post(sampleBody(random)).build(), HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream in = res.body()) {
            if (res.statusCode() != 200) {
                in.readAllBytes();
                count("stream_" + res.statusCode());
                return;
            }
            if (cancel) {
                // read a little of the stream, then hang up: the server cancels the run
                in.readNBytes(200 + random.nextInt(2000));
                count("cancelled");
                return;
            }
            String all = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            count(all.contains("event: completed") ? "completed" : all.contains("event: error") ? "stream_error" : "stream_cut");
        }
    }

    private void png(SplittableRandom random) throws IOException, InterruptedException {
        String body = "{\"steps\": " + (8 + random.nextInt(25)) + ", \"seed\": " + random.nextInt(1_000_000) + "}";
        HttpResponse<byte[]> res = http.send(post(body).header("Accept", "image/png").build(), HttpResponse.BodyHandlers.ofByteArray());
        count(res.statusCode() == 200 ? "png" : "png_" + res.statusCode());
    }

    private void bad(SplittableRandom random) throws IOException, InterruptedException {
        HttpResponse<String> res = http.send(post(BAD[random.nextInt(BAD.length)]).build(), HttpResponse.BodyHandlers.ofString());
        count(res.statusCode() / 100 == 4 ? "bad_refused" : "bad_" + res.statusCode());
    }

    private void poll(SplittableRandom random) throws IOException, InterruptedException {
        String[] paths = {"/metrics", "/healthz", "/readyz", "/v1/models"};
        HttpResponse<String> res = http.send(HttpRequest.newBuilder(base.resolve(paths[random.nextInt(paths.length)]))
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        count(res.statusCode() == 200 ? "poll" : "poll_" + res.statusCode());
    }
}
