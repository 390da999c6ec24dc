package dev.phaseflow.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.phaseflow.models.ModelZoo;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11, problem 2, on a real cluster of processes ({@code phaseflow node}, the zoo's ONNX
 * models): a frontend with the HTTP API and one worker node. Once the worker node is killed
 * (SIGKILL), running and new requests end with an {@code error} naming the model within the
 * configured no-worker time (after the cluster has noticed the node is gone), /readyz says which
 * model has no worker, the failed counter counts them; SIGTERM then drains the frontend to exit 0.
 */
@Tag("slow")
class ClusterNoWorkerTest {
    static final int NO_WORKER_SECONDS = 3;

    private static int[] twoFreePorts() throws IOException {
        try (ServerSocket a = new ServerSocket(0); ServerSocket b = new ServerSocket(0)) {
            int x = a.getLocalPort(), y = b.getLocalPort();
            return new int[] {Math.min(x, y), Math.max(x, y)};
        }
    }

    private static Process node(Path dir, String name, Path zoo, List<String> args) throws Exception {
        List<String> command = new ArrayList<>(List.of("node", "--zoo", zoo.toString(), "--threads", "1", "--workers", "1",
                "--no-worker-timeout", String.valueOf(NO_WORKER_SECONDS)));
        command.addAll(args);
        return ServeProcesses.phaseflow(dir, name + ".log", command);
    }

    private static HttpResponse<String> get(HttpClient http, String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void losingTheLastWorkerNodeFailsRequestsNamingTheModel(@TempDir Path dir) throws Exception {
        Path zoo = ModelZoo.defaultFolder();
        Assumptions.assumeTrue(Files.isRegularFile(zoo.resolve("router.json")), "no zoo with a router plan at " + zoo);
        int[] ports = twoFreePorts(); // the frontend has the lower address, so the split-brain resolver keeps it
        String seed = "127.0.0.1:" + ports[0];
        Process frontend = node(dir, "frontend", zoo, List.of("--port", String.valueOf(ports[0]), "--seed", seed,
                "--roles", "frontend", "--http-port", "0"));
        Process worker = node(dir, "worker", zoo, List.of("--port", String.valueOf(ports[1]), "--seed", seed,
                "--roles", "worker"));
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        try {
            String base = ServeProcesses.url(frontend, dir.resolve("frontend.log"));
            long deadline = System.nanoTime() + 120_000_000_000L;
            while (get(http, base + "readyz").statusCode() != 200 && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            assertEquals(200, get(http, base + "readyz").statusCode(), "the worker node's workers came up\n"
                    + Files.readString(dir.resolve("worker.log")));

            CountDownLatch going = new CountDownLatch(2);
            List<CompletableFuture<List<String>>> running = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                String body = "{\"steps\": 300, \"mode\": \"global\", \"seed\": " + i + "}";
                running.add(CompletableFuture.supplyAsync(() -> ServeProcesses.events(http, base, body, going)));
            }
            assertTrue(going.await(60, TimeUnit.SECONDS), "the requests got going");
            long killed = System.nanoTime();
            worker.destroyForcibly(); // SIGKILL
            for (CompletableFuture<List<String>> f : running) {
                List<String> names = f.get(90, TimeUnit.SECONDS);
                String last = names.get(names.size() - 1);
                assertTrue(last.startsWith("error") && last.contains("no worker for model"), "ended with " + last);
            }
            double runningFailedAfter = (System.nanoTime() - killed) / 1e9;

            HttpResponse<String> ready = get(http, base + "readyz");
            assertEquals(503, ready.statusCode());
            assertTrue(ready.body().contains("no worker for model"), ready.body());

            long asked = System.nanoTime();
            List<String> fresh = ServeProcesses.events(http, base, "{\"steps\": 10}", new CountDownLatch(0));
            double newFailedAfter = (System.nanoTime() - asked) / 1e9;
            assertEquals("started", fresh.get(0));
            String last = fresh.get(fresh.size() - 1);
            assertTrue(last.startsWith("error") && last.contains("no worker for model"), "ended with " + last);

            String metrics = get(http, base + "metrics").body();
            Matcher failed = Pattern.compile("phaseflow_requests_finished_total\\{outcome=\"failed\"} (\\S+)").matcher(metrics);
            assertTrue(failed.find() && Double.parseDouble(failed.group(1)) >= 3, "failed requests are counted");

            long signalled = System.nanoTime();
            frontend.destroy(); // SIGTERM: the node drains and exits with 0
            assertTrue(frontend.waitFor(60, TimeUnit.SECONDS), "the frontend exited");
            assertEquals(0, frontend.exitValue(), Files.readString(dir.resolve("frontend.log")));
            System.out.printf("cluster without workers: running requests failed %.1f s after SIGKILL of the worker node, "
                    + "a new one after %.1f s (no-worker timeout %d s); frontend exit 0 %.1f s after SIGTERM%n",
                    runningFailedAfter, newFailedAfter, NO_WORKER_SECONDS, (System.nanoTime() - signalled) / 1e9);
        } finally {
            worker.destroyForcibly();
            frontend.destroyForcibly();
        }
    }
}
