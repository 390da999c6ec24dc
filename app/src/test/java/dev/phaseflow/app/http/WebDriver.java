package dev.phaseflow.app.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Headless Chromium driven through chromedriver over the W3C WebDriver HTTP protocol, with
 * nothing but java.net.http: enough to load a page, run scripts in it and read the DOM.
 */
final class WebDriver implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The flags this sandbox (and CI containers) need: no sandbox, no GPU, no network chatter. */
    static final List<String> CHROMIUM_FLAGS = List.of("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
            "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--disable-dev-shm-usage", "--window-size=1280,1000");

    private final Process driver;
    private final Path profile;
    private final Path log;
    private final String base;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private String session;

    private WebDriver(Process driver, int port, Path profile, Path log) {
        this.driver = driver;
        this.profile = profile;
        this.log = log;
        this.base = "http://127.0.0.1:" + port;
    }

    /** Starts chromedriver and opens a browser session; fails with chromedriver's log when it cannot. */
    static WebDriver start(Path chromedriver, Path chromium) throws IOException, InterruptedException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path profile = Files.createTempDirectory("phaseflow-chromium-");
        Path log = Files.createTempFile("phaseflow-chromedriver-", ".log");
        Process p = new ProcessBuilder(chromedriver.toString(), "--port=" + port)
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        WebDriver d = new WebDriver(p, port, profile, log);
        try {
            d.awaitReady();
            d.openSession(chromium);
            return d;
        } catch (IOException | InterruptedException | RuntimeException e) {
            String driverLog = Files.readString(log);
            d.close();
            throw new IllegalStateException("could not start a Chromium session: " + e.getMessage() + "\nchromedriver log:\n" + driverLog, e);
        }
    }

    private void awaitReady() throws IOException, InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < end) {
            if (!driver.isAlive()) {
                throw new IllegalStateException("chromedriver exited with " + driver.exitValue());
            }
            try {
                JsonNode status = call("GET", "/status", null);
                if (status.path("value").path("ready").asBoolean()) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("chromedriver did not become ready");
    }

    private void openSession(Path chromium) throws IOException, InterruptedException {
        ObjectNode body = JSON.createObjectNode();
        ObjectNode options = body.putObject("capabilities").putObject("alwaysMatch").putObject("goog:chromeOptions");
        options.put("binary", chromium.toString());
        ArrayNode args = options.putArray("args");
        CHROMIUM_FLAGS.forEach(args::add);
        args.add("--user-data-dir=" + profile);
        JsonNode res = call("POST", "/session", body);
        session = res.path("value").path("sessionId").asText(null);
        if (session == null) {
            throw new IllegalStateException("no session: " + res);
        }
    }

    void navigate(String url) throws IOException, InterruptedException {
        ObjectNode body = JSON.createObjectNode().put("url", url);
        call("POST", "/session/" + session + "/url", body);
    }

    /** Runs a script in the page (its {@code return} value comes back as JSON). */
    JsonNode execute(String script) throws IOException, InterruptedException {
        ObjectNode body = JSON.createObjectNode().put("script", script);
        body.putArray("args");
        return call("POST", "/session/" + session + "/execute/sync", body).path("value");
    }

    /** Polls a script until it returns true or the deadline passes; returns its last value. */
    boolean await(String condition, Duration deadline) throws IOException, InterruptedException {
        long end = System.nanoTime() + deadline.toNanos();
        while (System.nanoTime() < end) {
            if (execute("return !!(" + condition + ");").asBoolean()) {
                return true;
            }
            Thread.sleep(50);
        }
        return false;
    }

    /** Saves what the page looks like now (a PNG). */
    void screenshot(Path file) throws IOException, InterruptedException {
        String png = call("GET", "/session/" + session + "/screenshot", null).path("value").asText();
        Files.write(file, java.util.Base64.getDecoder().decode(png));
    }

    private JsonNode call(String method, String path, JsonNode body) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json; charset=utf-8");
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        HttpResponse<String> res = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        JsonNode json = JSON.readTree(res.body());
        if (res.statusCode() != 200) {
            throw new IllegalStateException("WebDriver " + method + " " + path + " answered " + res.statusCode() + ": "
                    + json.path("value").path("message").asText(res.body()));
        }
        return json;
    }

    @Override
    public void close() {
        try {
            if (session != null) {
                call("DELETE", "/session/" + session, null);
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            // the driver goes down next anyway
        }
        driver.destroy();
        try {
            if (!driver.waitFor(10, TimeUnit.SECONDS)) {
                driver.destroyForcibly();
            }
        } catch (InterruptedException e) {
            driver.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        delete(profile);
        delete(log);
    }

    private static void delete(Path path) {
        try (Stream<Path> all = Files.walk(path)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temp file left behind is harmless
        }
    }
}
