package dev.phaseflow.monitoring.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * A real Prometheus server for tests: started on a free loopback port with its config and TSDB in
 * a given (temporary) directory, scraping the given targets every {@code scrapeInterval}, queried
 * over its HTTP API. Always close it (try-with-resources); a shutdown hook kills it should the JVM
 * exit first. Waits fail with the server's log attached.
 *
 * <p>The binary is {@code /usr/bin/prometheus} (Debian package {@code prometheus}), or the path in
 * the system property {@value #BINARY_PROPERTY}; tests call {@link #assumeAvailable()} so they are
 * skipped, not failed, where it is not installed.
 */
public final class PrometheusServer implements AutoCloseable {
    public static final String BINARY_PROPERTY = "phaseflow.prometheus.binary";
    public static final Path DEFAULT_BINARY = Path.of("/usr/bin/prometheus");
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    /** Port races (another process grabbing the port we picked) are retried this often. */
    private static final int START_ATTEMPTS = 3;
    private static final Duration POLL = Duration.ofMillis(200);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process process;
    private final Path log;
    private final int port;
    private final Thread killer;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private PrometheusServer(Process process, Path log, int port) {
        this.process = process;
        this.log = log;
        this.port = port;
        this.killer = new Thread(process::destroyForcibly, "prometheus-killer");
        Runtime.getRuntime().addShutdownHook(killer);
    }

    /** The binary to run. */
    public static Path binary() {
        String configured = System.getProperty(BINARY_PROPERTY);
        return configured == null || configured.isBlank() ? DEFAULT_BINARY : Path.of(configured);
    }

    public static boolean available() {
        return Files.isExecutable(binary());
    }

    /** Skips the calling test (JUnit assumption) when there is no Prometheus binary. */
    public static void assumeAvailable() {
        assumeTrue(available(), () -> "Prometheus server test skipped: no executable " + binary()
                + " (install the Debian package 'prometheus', or set -D" + BINARY_PROPERTY + "=PATH)");
    }

    /**
     * Starts Prometheus scraping {@code targets} ("host:port", path /metrics) and waits until it is
     * ready. {@code workDir} receives prometheus.yml, the TSDB and prometheus.log.
     */
    public static PrometheusServer start(Path workDir, List<String> targets, Duration scrapeInterval)
            throws IOException, InterruptedException {
        return start(workDir, targets, scrapeInterval, DEFAULT_TIMEOUT);
    }

    public static PrometheusServer start(Path workDir, List<String> targets, Duration scrapeInterval,
                                         Duration readyTimeout) throws IOException, InterruptedException {
        if (targets.isEmpty()) {
            throw new IllegalArgumentException("need at least one scrape target");
        }
        Path config = workDir.resolve("prometheus.yml");
        Files.writeString(config, config(targets, scrapeInterval));
        IllegalStateException failure = null;
        for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
            int port = freeLoopbackPort();
            Path log = workDir.resolve("prometheus-" + attempt + ".log");
            Process process = new ProcessBuilder(binary().toString(),
                    "--config.file=" + config,
                    "--storage.tsdb.path=" + workDir.resolve("data-" + attempt),
                    "--web.listen-address=127.0.0.1:" + port,
                    "--log.level=info")
                    .directory(workDir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile())
                    .start();
            PrometheusServer server = new PrometheusServer(process, log, port);
            try {
                server.awaitReady(readyTimeout);
                return server;
            } catch (IllegalStateException e) {
                server.close();
                failure = e;
                if (!server.log().contains("address already in use")) {
                    break;
                }
            }
        }
        throw failure;
    }

    private static String config(List<String> targets, Duration interval) {
        String seconds = Math.max(100, interval.toMillis()) + "ms";
        StringBuilder list = new StringBuilder();
        for (String t : targets) {
            list.append(list.length() == 0 ? "" : ", ").append('\'').append(t).append('\'');
        }
        return """
                global:
                  scrape_interval: %1$s
                  scrape_timeout: %1$s
                  evaluation_interval: %1$s
                scrape_configs:
                  - job_name: phaseflow
                    metrics_path: /metrics
                    static_configs:
                      - targets: [%2$s]
                """.formatted(seconds, list);
    }

    private static int freeLoopbackPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    public int port() {
        return port;
    }

    public URI baseUri() {
        return URI.create("http://127.0.0.1:" + port);
    }

    /** What the server has logged so far. */
    public String log() {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void awaitReady(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (!process.isAlive()) {
                throw failure("Prometheus exited with status " + process.exitValue() + " before it was ready");
            }
            try {
                if (get("/-/ready").statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            if (System.nanoTime() > deadline) {
                throw failure("Prometheus not ready within " + timeout);
            }
            Thread.sleep(POLL.toMillis());
        }
    }

    /** Waits until every configured target has been scraped successfully; returns the active targets. */
    public JsonNode awaitTargetsUp(Duration timeout) throws InterruptedException {
        return await("targets up", () -> api("/api/v1/targets").path("activeTargets"), targets -> {
            if (targets.size() == 0) {
                return false;
            }
            for (JsonNode t : targets) {
                if (!"up".equals(t.path("health").asText())) {
                    return false;
                }
            }
            return true;
        }, timeout);
    }

    /** The result vector of an instant query. */
    public JsonNode query(String promql) {
        return api("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8)).path("result");
    }

    /** Polls {@code promql} until {@code until} accepts its result vector; returns that result. */
    public JsonNode awaitQuery(String promql, Predicate<JsonNode> until, Duration timeout) throws InterruptedException {
        return await("query " + promql, () -> query(promql), until, timeout);
    }

    /**
     * Waits until {@code promql} returns exactly one sample with value {@code expected} (so a
     * failure means the value never arrived, not that the first scrape was late).
     */
    public void awaitValue(String promql, double expected, Duration timeout) throws InterruptedException {
        awaitQuery(promql, r -> r.size() == 1 && value(r.get(0)) == expected, timeout);
    }

    /** The numeric value of one sample of a query result. */
    public static double value(JsonNode sample) {
        return Double.parseDouble(sample.path("value").path(1).asText());
    }

    private JsonNode await(String what, Supplier<JsonNode> probe, Predicate<JsonNode> until, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        JsonNode last = null;
        RuntimeException lastError = null;
        while (true) {
            if (!process.isAlive()) {
                throw failure("Prometheus died while waiting for " + what);
            }
            try {
                last = probe.get();
                lastError = null;
                if (until.test(last)) {
                    return last;
                }
            } catch (RuntimeException e) {
                lastError = e;
            }
            if (System.nanoTime() > deadline) {
                AssertionError error = new AssertionError("timed out after " + timeout + " waiting for " + what
                        + "; last answer: " + (lastError != null ? lastError : last) + "\n" + logTail());
                if (lastError != null) {
                    error.initCause(lastError);
                }
                throw error;
            }
            Thread.sleep(POLL.toMillis());
        }
    }

    /** GETs an API path and returns its {@code data}; throws unless the status is success. */
    private JsonNode api(String pathAndQuery) {
        try {
            HttpResponse<String> response = get(pathAndQuery);
            JsonNode body = JSON.readTree(response.body());
            if (response.statusCode() != 200 || !"success".equals(body.path("status").asText())) {
                throw new IllegalStateException("GET " + pathAndQuery + ": HTTP " + response.statusCode() + " "
                        + response.body());
            }
            return body.path("data");
        } catch (IOException e) {
            throw new UncheckedIOException("GET " + pathAndQuery, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private HttpResponse<String> get(String pathAndQuery) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(baseUri().resolve(pathAndQuery)).timeout(Duration.ofSeconds(5))
                .GET().build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private IllegalStateException failure(String message) {
        return new IllegalStateException(message + "\n" + logTail());
    }

    private String logTail() {
        List<String> lines = new ArrayList<>(List.of(log().split("\n")));
        List<String> tail = lines.subList(Math.max(0, lines.size() - 40), lines.size());
        return "--- prometheus log (" + log + ", last " + tail.size() + " lines) ---\n" + String.join("\n", tail);
    }

    /** Stops the server: SIGTERM, then SIGKILL if it lingers. */
    @Override
    public void close() {
        try {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(killer);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running or about to: it kills the process anyway
            }
        }
    }
}
