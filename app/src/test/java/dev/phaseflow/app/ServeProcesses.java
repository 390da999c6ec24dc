package dev.phaseflow.app;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Helpers for tests that run a server in a process of its own: its URL, a stream's event names. */
final class ServeProcesses {
    private ServeProcesses() {}

    /**
     * Starts {@code phaseflow ARGS} in a JVM of its own (the test classpath, the app's own logging set-up
     * rather than the test jar's quieter one), in {@code dir}, stderr to {@code dir/log}.
     */
    static Process phaseflow(Path dir, String log, List<String> args) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String logging;
        try {
            logging = Path.of(ServeProcesses.class.getResource("/logback.xml").toURI()).toString();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        List<String> command = new ArrayList<>(List.of(java, "-Xmx384m", "-Dlogback.configurationFile=" + logging,
                "-cp", System.getProperty("java.class.path"), Phaseflow.class.getName()));
        command.addAll(args);
        return new ProcessBuilder(command).directory(dir.toFile()).redirectError(dir.resolve(log).toFile()).start();
    }

    /** The URL the server printed on its first line of stdout. */
    static String url(Process p, Path stderr) throws IOException {
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String banner = out.readLine();
        Matcher url = Pattern.compile("on (http://\\S+/)").matcher(String.valueOf(banner));
        if (!url.find()) {
            throw new AssertionError("the server printed no URL: " + banner + "\n" + Files.readString(stderr));
        }
        return url.group(1);
    }

    /**
     * POSTs {@code body} to /v1/samples and reads the event stream to its end: the event names, an
     * error with its data line. {@code going} counts down at the second step event.
     */
    static List<String> events(HttpClient http, String base, String body, CountDownLatch going) {
        List<String> names = new ArrayList<>();
        try {
            HttpResponse<InputStream> res = http.send(HttpRequest.newBuilder(URI.create(base + "v1/samples"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofInputStream());
            if (res.statusCode() != 200) {
                names.add("status " + res.statusCode() + " " + new String(res.body().readAllBytes(), StandardCharsets.UTF_8));
                going.countDown();
                return names;
            }
            BufferedReader in = new BufferedReader(new InputStreamReader(res.body(), StandardCharsets.UTF_8));
            int steps = 0;
            for (String line; (line = in.readLine()) != null; ) {
                if (line.startsWith("event: ")) {
                    String name = line.substring(7);
                    names.add(name.equals("error") ? name + " " + in.readLine() : name);
                    if (name.equals("step") && ++steps == 2) {
                        going.countDown();
                    }
                }
            }
        } catch (IOException e) {
            names.add("io " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return names;
    }
}
