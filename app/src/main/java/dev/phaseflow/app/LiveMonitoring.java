package dev.phaseflow.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.phaseflow.actors.EngineDiagnostics;
import dev.phaseflow.actors.EngineObserver;
import dev.phaseflow.actors.MetricsObserver;
import dev.phaseflow.api.CalibrationSummary;
import dev.phaseflow.app.http.HttpObserver;
import dev.phaseflow.app.http.MetricsEndpoint;
import dev.phaseflow.models.ImageClassifier;
import dev.phaseflow.monitoring.Calibration;
import dev.phaseflow.monitoring.MetricsExporter;
import dev.phaseflow.monitoring.PhaseDiagnostics;
import dev.phaseflow.monitoring.PhaseflowMetrics;
import dev.phaseflow.monitoring.SigmaBucketMean;
import dev.phaseflow.pipeline.routing.RouterPlan;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * The server's monitoring: Prometheus metrics of the engine, the HTTP layer and the JVM on one
 * registry, and the live phase diagnostics configured from the router plan's calibration
 * (window, sigma_s, data variance): shadow evaluation on a small fraction of steps, class
 * commitment on a fraction of requests.
 */
public final class LiveMonitoring {
    public static final double DEFAULT_COMMITMENT_FRACTION = 0.1;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final PhaseflowMetrics metrics;
    private final PhaseDiagnostics diagnostics;
    private final Optional<ImageClassifier> classifier;
    private final double commitmentFraction;
    private final Counter httpRequests;
    private final Histogram httpSeconds;

    public LiveMonitoring(RouterPlan plan, Optional<ImageClassifier> classifier, double shadowFraction) {
        this(plan, classifier, shadowFraction, DEFAULT_COMMITMENT_FRACTION);
    }

    /** {@code commitmentFraction}: share of requests whose class commitment is tracked (needs the classifier). */
    public LiveMonitoring(RouterPlan plan, Optional<ImageClassifier> classifier, double shadowFraction, double commitmentFraction) {
        this.metrics = new PhaseflowMetrics(new PrometheusRegistry(), true);
        this.classifier = classifier;
        this.commitmentFraction = classifier.isPresent() ? commitmentFraction : 0;
        this.diagnostics = new PhaseDiagnostics(metrics.registry(), calibration(plan),
                PhaseDiagnostics.Settings.defaults().withShadowFraction(shadowFraction));
        this.httpRequests = Counter.builder().name("phaseflow_http_requests_total")
                .help("HTTP requests by endpoint and status").labelNames("endpoint", "status").register(metrics.registry());
        this.httpSeconds = Histogram.builder().name("phaseflow_http_request_duration_seconds")
                .help("HTTP response time by endpoint (a stream lasts until its last event)").labelNames("endpoint")
                .classicOnly().classicUpperBounds(0.001, 0.005, 0.025, 0.1, 0.5, 2.5, 10, 60, 300).register(metrics.registry());
    }

    /** The window from the plan; sigma_s and the data variance from its calibration summary when present. */
    static Calibration calibration(RouterPlan plan) {
        CalibrationSummary c = plan.calibration();
        return c == null ? new Calibration(plan.windowLo(), plan.windowHi(), Double.NaN, Double.NaN)
                : new Calibration(plan.windowLo(), plan.windowHi(), positiveOrNaN(c.sigmaS()), positiveOrNaN(c.dataVariance()));
    }

    private static double positiveOrNaN(Double v) {
        return v != null && v > 0 ? v : Double.NaN;
    }

    public PrometheusRegistry registry() {
        return metrics.registry();
    }

    public PhaseDiagnostics diagnostics() {
        return diagnostics;
    }

    /** The engine's metrics; steps are labelled with their model and its cost tier in {@code models}' plan. */
    public EngineObserver engineObserver(dev.phaseflow.pipeline.ModelSet models) {
        return new MetricsObserver(metrics, model -> models.tier(model).tier());
    }

    public EngineDiagnostics engineDiagnostics() {
        return new EngineDiagnostics(diagnostics, classifier, commitmentFraction);
    }

    public MetricsEndpoint metricsEndpoint() {
        return new MetricsEndpoint() {
            public String contentType() {
                return MetricsExporter.TEXT_CONTENT_TYPE;
            }

            public byte[] scrape() {
                return MetricsExporter.text(metrics.registry()).getBytes(StandardCharsets.UTF_8);
            }
        };
    }

    public HttpObserver httpObserver() {
        return new HttpObserver() {
            public void requestFinished(String endpoint, String method, int status, long nanos) {
                httpRequests.labelValues(endpoint, String.valueOf(status)).inc();
                httpSeconds.labelValues(endpoint).observe(nanos / 1e9);
            }
        };
    }

    /** The live mean Delta of the sigma bucket holding {@code sigma}; NaN while that bucket has no shadowed steps. */
    public double deltaAt(double sigma) {
        int bucket = diagnostics.sigmaBuckets().indexOf(sigma);
        for (SigmaBucketMean m : diagnostics.meanDeltaBySigma()) { // buckets that have data only
            if (m.index() == bucket && m.count() > 0) {
                return m.meanDelta();
            }
        }
        return Double.NaN;
    }

    /** GET /v1/diagnostics: window, drift, class commitment and Delta by sigma bucket. */
    public ObjectNode diagnosticsJson() {
        ObjectNode root = JSON.createObjectNode();
        Calibration c = diagnostics.calibration();
        ObjectNode window = root.putObject("window");
        window.put("sigma_lo", c.windowLo());
        window.put("sigma_hi", c.windowHi());
        putNumber(root, "sigma_s", c.spectralSpeciation());
        putNumber(root, "data_variance", c.dataVariance());
        root.put("shadow_fraction", diagnostics.shadowFraction());
        root.put("window_drift", diagnostics.windowDrift());
        ObjectNode commitment = root.putObject("class_commitment");
        diagnostics.commitment().medianCommitmentSigma().ifPresent(m -> commitment.put("median_sigma", m));
        commitment.put("tracked_requests", diagnostics.commitment().trackedRequests());
        ArrayNode buckets = root.putArray("delta_by_sigma");
        List<SigmaBucketMean> means = diagnostics.meanDeltaBySigma();
        for (SigmaBucketMean m : means) {
            ObjectNode b = buckets.addObject();
            b.put("sigma_lo", m.lowerEdge());
            b.put("sigma_hi", m.upperEdge());
            b.put("shadowed_steps", m.count());
            putNumber(b, "mean_delta", m.count() > 0 ? m.meanDelta() : Double.NaN);
        }
        return root;
    }

    private static void putNumber(ObjectNode n, String field, double v) {
        if (Double.isFinite(v)) {
            n.put(field, v);
        } else {
            n.putNull(field);
        }
    }
}
