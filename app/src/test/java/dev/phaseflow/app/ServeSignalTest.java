package dev.phaseflow.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM on a serving process: readiness turns 503 and new work is refused while the running
 * request streams to its end, then the process exits.
 */
class ServeSignalTest {
    static final Duration PATIENCE = Duration.ofSeconds(60);

    @Test
    void sigtermDrainsThenExits(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("stderr.log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // the app's own logging set-up, not the test-jar's quieter logback-test.xml
        String logging = Path.of(ServeSignalTest.class.getResource("/logback.xml").toURI()).toString();
        Process p = new ProcessBuilder(java, "-Xmx256m", "-Dlogback.configurationFile=" + logging,
                "-cp", System.getProperty("java.class.path"), AnalyticServe.class.getName())
                .redirectError(log.toFile()).start();
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            String banner = out.readLine();
            Matcher url = Pattern.compile("on (http://\\S+/)").matcher(String.valueOf(banner));
            assertTrue(url.find(), "the server printed its URL: " + banner + "\n" + Files.readString(log));
            String base = url.group(1);

            HttpResponse<InputStream> stream = http.send(HttpRequest.newBuilder(URI.create(base + "v1/samples"))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"steps\": 60, \"mode\": \"global\"}")).build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            assertEquals(200, stream.statusCode());
            BufferedReader events = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8));
            List<String> names = new ArrayList<>();
            while (names.stream().filter("step"::equals).count() < 3) {
                names.add(nextEvent(events));
            }

            p.destroy(); // SIGTERM
            long end = System.nanoTime() + PATIENCE.toNanos();
            int ready = 200;
            while (ready == 200 && System.nanoTime() < end) {
                Thread.sleep(5);
                ready = http.send(HttpRequest.newBuilder(URI.create(base + "readyz")).build(), HttpResponse.BodyHandlers.ofString())
                        .statusCode();
            }
            assertEquals(503, ready, "readiness fails while draining");
            HttpResponse<String> refused = http.send(HttpRequest.newBuilder(URI.create(base + "v1/samples"))
                    .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(503, refused.statusCode(), refused.body());

            for (String name; (name = nextEvent(events)) != null; ) {
                names.add(name);
            }
            assertEquals("completed", names.get(names.size() - 1), "the running request finished: "
                    + names.subList(Math.max(0, names.size() - 4), names.size()) + "\n" + Files.readString(log));
            assertEquals(60, names.stream().filter("step"::equals).count());

            assertTrue(p.waitFor(PATIENCE.toSeconds(), TimeUnit.SECONDS), "the process exited");
            assertEquals(0, p.exitValue(), "SIGTERM drains, then the process exits with 0");
            String stderr = Files.readString(log);
            assertTrue(stderr.contains("draining") && stderr.contains("stopped"), "stderr:\n" + stderr);
        } finally {
            p.destroyForcibly();
        }
    }

    /** The next event's name (with its data when it is an error), or null at the end of the stream. */
    private static String nextEvent(BufferedReader in) throws java.io.IOException {
        for (String line; (line = in.readLine()) != null; ) {
            if (line.startsWith("event: ")) {
                String name = line.substring(7);
                return name.equals("error") ? name + " " + in.readLine() : name;
            }
        }
        return null;
    }
}
