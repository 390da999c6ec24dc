package dev.phaseflow.monitoring;

import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exposes a registry to Prometheus. Two ways:
 * <ul>
 *   <li>a standalone HTTP exporter ({@link #start}) serving {@code /metrics} for embedders without
 *       a web server of their own; close it to stop;</li>
 *   <li>static renderers ({@link #render}, {@link #writeText}, {@link #text}) for an application's
 *       own {@code /metrics} endpoint.</li>
 * </ul>
 */
public final class MetricsExporter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MetricsExporter.class);

    /** Loopback by default: metrics are not for the whole network unless asked for. */
    public static final String DEFAULT_HOST = "127.0.0.1";
    /** Content type of the Prometheus text format (0.0.4) that {@link #writeText} writes. */
    public static final String TEXT_CONTENT_TYPE = PrometheusTextFormatWriter.CONTENT_TYPE;
    /** The writers are immutable: set up once. */
    private static final ExpositionFormats FORMATS = ExpositionFormats.init();
    private static final PrometheusTextFormatWriter TEXT = PrometheusTextFormatWriter.create();

    private final HTTPServer server;
    private final String host;

    private MetricsExporter(HTTPServer server, String host) {
        this.server = server;
        this.host = host;
    }

    /** Serves {@code registry} on {@link #DEFAULT_HOST}, on a free port. */
    public static MetricsExporter start(PrometheusRegistry registry) throws IOException {
        return start(registry, DEFAULT_HOST, 0);
    }

    /** Serves {@code registry} at {@code http://host:port/metrics}; port 0 picks a free port. */
    public static MetricsExporter start(PrometheusRegistry registry, String host, int port) throws IOException {
        if (registry == null) {
            throw new IllegalArgumentException("registry is required");
        }
        Checks.nonBlank("host", host);
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be in [0, 65535], got " + port);
        }
        HTTPServer server = HTTPServer.builder().registry(registry).hostname(host).port(port).buildAndStart();
        MetricsExporter exporter = new MetricsExporter(server, host);
        LOG.info("serving metrics at {}", exporter.metricsUri());
        return exporter;
    }

    /** The port actually bound. */
    public int port() {
        return server.getPort();
    }

    public String host() {
        return host;
    }

    /** Where Prometheus should scrape. */
    public URI metricsUri() {
        String h = host.contains(":") ? "[" + host + "]" : host;
        return URI.create("http://" + h + ":" + port() + "/metrics");
    }

    /** Stops serving. */
    @Override
    public void close() {
        server.close();
    }

    /** A rendered scrape: the body and the content type to send it with. */
    public record Exposition(String contentType, byte[] body) {
    }

    /**
     * Renders {@code registry} in the format a scraper's {@code Accept} header asks for (Prometheus
     * text, OpenMetrics or protobuf; text when the header is null or asks for nothing known).
     */
    public static Exposition render(PrometheusRegistry registry, String acceptHeader) {
        ExpositionFormatWriter writer = FORMATS.findWriter(acceptHeader);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            writer.write(out, registry.scrape());
        } catch (IOException e) {
            throw new UncheckedIOException("rendering metrics failed", e);
        }
        return new Exposition(writer.getContentType(), out.toByteArray());
    }

    /** Writes {@code registry} in the Prometheus text format; send with {@link #TEXT_CONTENT_TYPE}. */
    public static void writeText(PrometheusRegistry registry, OutputStream out) throws IOException {
        TEXT.write(out, registry.scrape());
    }

    /** {@code registry} in the Prometheus text format, as a string. */
    public static String text(PrometheusRegistry registry) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            writeText(registry, out);
        } catch (IOException e) {
            throw new UncheckedIOException("rendering metrics failed", e);
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
