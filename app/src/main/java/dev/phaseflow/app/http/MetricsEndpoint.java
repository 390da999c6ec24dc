package dev.phaseflow.app.http;

/**
 * What {@code GET /metrics} serves. The server's own {@link RequestCounters} is the default;
 * the monitoring module's Prometheus registry plugs in here.
 */
public interface MetricsEndpoint {

    /** The Content-Type of {@link #scrape()}, e.g. Prometheus text format 0.0.4. */
    String contentType();

    /** The current exposition; called on a worker thread, never on the event loop. */
    byte[] scrape();
}
