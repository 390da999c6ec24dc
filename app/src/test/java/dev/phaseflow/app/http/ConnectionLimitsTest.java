package dev.phaseflow.app.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.phaseflow.models.ModelRole;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 11, problems 3 and 4: header, idle and stall timeouts and the connection limit, against
 * the real server over raw sockets. Limits are set to a second so the test is quick; the
 * defaults are in {@link PhaseflowServer.Connections#DEFAULTS}.
 */
class ConnectionLimitsTest {
    static final PhaseflowServer.Connections TIGHT = new PhaseflowServer.Connections(Duration.ofSeconds(1),
            Duration.ofSeconds(1), Duration.ofSeconds(1), 64);

    private static Socket connect(ServerFixture fx, int receiveBuffer) throws IOException {
        Socket s = new Socket();
        if (receiveBuffer > 0) {
            s.setReceiveBufferSize(receiveBuffer); // before connecting, so the window is small from the start
        }
        s.connect(new InetSocketAddress("127.0.0.1", fx.server.port()), 5000);
        s.setSoTimeout(15_000);
        return s;
    }

    /** Reads until the server closes the connection; what came (a timeout here fails the test). */
    private static String readToClose(Socket s) throws IOException {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        InputStream in = s.getInputStream();
        byte[] buf = new byte[1 << 16];
        try {
            for (int n; (n = in.read(buf)) >= 0; ) {
                got.write(buf, 0, n);
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the server did not close the connection; got " + got.size() + " bytes", e);
        } catch (IOException e) {
            // reset by the server: closed as well
        }
        return got.toString(StandardCharsets.ISO_8859_1);
    }

    @Test
    void aSilentConnectionIsClosed() throws IOException {
        try (var fx = ServerFixture.start(ServerFixture.exact(), ServerFixture.smallEngine(), b -> b.connections(TIGHT));
             Socket s = connect(fx, 0)) {
            assertEquals("", readToClose(s));
        }
    }

    @Test
    void anIdleKeepAliveConnectionIsClosedAfterItsResponse() throws IOException {
        try (var fx = ServerFixture.start(ServerFixture.exact(), ServerFixture.smallEngine(), b -> b.connections(TIGHT));
             Socket s = connect(fx, 0)) {
            s.getOutputStream().write("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            String got = readToClose(s);
            assertTrue(got.startsWith("HTTP/1.1 200") && got.contains("\"ok\""), got);
        }
    }

    @Test
    void headersTrickledByteByByteAreCutOff() throws Exception {
        try (var fx = ServerFixture.start(ServerFixture.exact(), ServerFixture.smallEngine(), b -> b.connections(TIGHT));
             Socket s = connect(fx, 0)) {
            OutputStream out = s.getOutputStream();
            Thread trickle = new Thread(() -> {
                byte[] header = "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII);
                try {
                    for (byte b : header) { // every 100 ms: the idle timeout never fires, the header one does
                        out.write(b);
                        out.flush();
                        Thread.sleep(100);
                    }
                } catch (IOException | InterruptedException e) {
                    // closed by the server, as it should be
                }
            });
            trickle.start();
            assertEquals("", readToClose(s), "no answer to a request whose headers took too long");
            trickle.interrupt();
        }
    }

    @Test
    void connectionsPastTheLimitAreClosedAtOnce() throws IOException {
        var limits = new PhaseflowServer.Connections(Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(30), 3);
        try (var fx = ServerFixture.start(ServerFixture.exact(), ServerFixture.smallEngine(), b -> b.connections(limits))) {
            List<Socket> held = new ArrayList<>();
            try {
                for (int i = 0; i < 3; i++) {
                    Socket s = connect(fx, 0);
                    held.add(s);
                    s.getOutputStream().write("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    byte[] buf = new byte[4096];
                    int n = s.getInputStream().read(buf);
                    assertTrue(new String(buf, 0, n, StandardCharsets.US_ASCII).startsWith("HTTP/1.1 200"));
                }
                try (Socket extra = connect(fx, 0)) {
                    extra.getOutputStream().write("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    assertEquals("", readToClose(extra), "the fourth connection is closed unanswered");
                }
                held.remove(0).close();
                assertTrue(ServerFixture.eventually(() -> fx.get("/healthz").statusCode() == 200, Duration.ofSeconds(10)),
                        "a slot freed by a closed connection takes a new one");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                for (Socket s : held) {
                    s.close();
                }
            }
        }
    }

    @Test
    void aClientThatStopsReadingLosesItsStreamAndItsSlot() throws Exception {
        try (var fx = ServerFixture.start(ServerFixture.exact(), ServerFixture.smallEngine(), b -> b.connections(TIGHT));
             Socket s = connect(fx, 4096)) {
            // 1000 steps with a preview of 256 images each: tens of MB that the socket buffers cannot hold
            String body = "{\"count\": 256, \"steps\": 1000, \"preview_every\": 1}";
            s.getOutputStream().write(("POST /v1/samples HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: "
                    + body.length() + "\r\n\r\n" + body).getBytes(StandardCharsets.US_ASCII));
            assertTrue(ServerFixture.eventually(() -> fx.engine.inFlight() == 1, Duration.ofSeconds(10)), "admitted");
            // the client reads nothing; the socket stays open
            assertTrue(ServerFixture.eventually(() -> fx.engine.inFlight() == 0, Duration.ofSeconds(30)),
                    "the stalled stream was cancelled and its admission slot freed");
            String got = readToClose(s);
            assertTrue(got.startsWith("HTTP/1.1 200") && got.contains("event: step"), got.substring(0, Math.min(200, got.length())));
            assertFalse(got.contains("event: completed"), "the stream was cut, not finished");
            HttpResponse<String> next = fx.post("/v1/samples", "{\"steps\": 4}");
            assertEquals(200, next.statusCode());
            assertTrue(next.body().contains("event: completed"), "the server goes on serving");
        }
    }

    @Test
    void aStreamLongerThanEveryTimeoutStillCompletes() {
        PacedDenoiser slow = PacedDenoiser.of("g", ModelRole.GLOBAL, 25_000_000, 0);
        try (var fx = ServerFixture.start(ServerFixture.models(slow, ServerFixture.DATA.denoiser("l", ModelRole.LOCAL)),
                ServerFixture.smallEngine(), b -> b.connections(TIGHT))) {
            // about 3 s of global steps, longer than each 1 s limit; events keep coming, so nothing stalls
            HttpResponse<String> res = fx.post("/v1/samples", "{\"steps\": 120, \"mode\": \"global\"}",
                    "Content-Type", "application/json");
            assertEquals(200, res.statusCode());
            List<ServerFixture.Sse> events = ServerFixture.events(res.body());
            assertEquals("completed", events.get(events.size() - 1).name());
        }
    }
}
