package dev.phaseflow.app.http;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The server's own request counters, exposed as a minimal Prometheus text page: requests by
 * endpoint and status, and requests in progress. The default {@link MetricsEndpoint} until the
 * monitoring module's registry is plugged in. Endpoints are the server's fixed paths (or
 * "unmatched"), so the label set stays bounded whatever clients send.
 */
public final class RequestCounters implements HttpObserver, MetricsEndpoint {
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final Map<String, LongAdder> finished = new ConcurrentHashMap<>();
    private final AtomicLong active = new AtomicLong();

    @Override
    public void requestStarted(String endpoint, String method) {
        active.incrementAndGet();
    }

    @Override
    public void requestFinished(String endpoint, String method, int status, long nanos) {
        active.decrementAndGet();
        finished.computeIfAbsent(endpoint + "\u0000" + status, k -> new LongAdder()).increment();
    }

    /** Requests to {@code endpoint} answered with {@code status} so far. */
    public long count(String endpoint, int status) {
        LongAdder a = finished.get(endpoint + "\u0000" + status);
        return a == null ? 0 : a.sum();
    }

    @Override
    public String contentType() {
        return CONTENT_TYPE;
    }

    @Override
    public byte[] scrape() {
        StringBuilder out = new StringBuilder();
        out.append("# HELP phaseflow_http_requests_total HTTP requests answered, by endpoint and status code.\n");
        out.append("# TYPE phaseflow_http_requests_total counter\n");
        Map<String, LongAdder> sorted = new TreeMap<>(finished);
        sorted.forEach((key, n) -> {
            String[] parts = key.split("\u0000", 2);
            out.append("phaseflow_http_requests_total{endpoint=\"").append(escape(parts[0])).append("\",status=\"")
                    .append(parts[1]).append("\"} ").append(n.sum()).append('\n');
        });
        out.append("# HELP phaseflow_http_requests_active HTTP requests being answered (open sample streams included).\n");
        out.append("# TYPE phaseflow_http_requests_active gauge\n");
        out.append("phaseflow_http_requests_active ").append(active.get()).append('\n');
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String escape(String label) {
        return label.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
