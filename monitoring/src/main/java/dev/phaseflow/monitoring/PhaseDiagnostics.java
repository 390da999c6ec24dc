package dev.phaseflow.monitoring;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.List;

/**
 * Live phase diagnostics: shadow evaluations (Delta by sigma), window drift, class commitment and
 * the calibration constants, on the same registry as {@link PhaseflowMetrics}. Thread-safe.
 *
 * <p>The engine asks {@link #shouldShadow} on each step; for a shadowed step it runs the other
 * model too and hands both x0 predictions to {@link #recordShadow}.
 */
public final class PhaseDiagnostics {
    /**
     * Tuning of the diagnostics.
     *
     * @param shadowFraction       fraction of steps shadowed, in [0, 1]
     * @param driftThreshold       Delta above which a local-route step outside the window counts as
     *                             drift; ideally the Delta level calibration drew the window at
     * @param driftSmoothing       weight of the newest check in the drift average, in (0, 1]
     * @param maxTrackedRequests   bound on requests followed for class commitment
     * @param commitmentWindow     finished images the median commitment sigma is taken over
     */
    public record Settings(double shadowFraction, double driftThreshold, double driftSmoothing,
                           int maxTrackedRequests, int commitmentWindow) {
        public static final double DEFAULT_DRIFT_THRESHOLD = 0.1;
        public static final double DEFAULT_DRIFT_SMOOTHING = 0.05;
        public static final int DEFAULT_MAX_TRACKED_REQUESTS = 4096;
        public static final int DEFAULT_COMMITMENT_WINDOW = 4096;

        public Settings {
            Checks.fraction("shadow fraction", shadowFraction);
            Checks.nonNegative("drift threshold", driftThreshold);
            Checks.weight("drift smoothing", driftSmoothing);
            Checks.positive("max tracked requests", maxTrackedRequests);
            Checks.positive("commitment window", commitmentWindow);
        }

        public static Settings defaults() {
            return new Settings(ShadowSampler.DEFAULT_FRACTION, DEFAULT_DRIFT_THRESHOLD, DEFAULT_DRIFT_SMOOTHING,
                    DEFAULT_MAX_TRACKED_REQUESTS, DEFAULT_COMMITMENT_WINDOW);
        }

        public Settings withShadowFraction(double fraction) {
            return new Settings(fraction, driftThreshold, driftSmoothing, maxTrackedRequests, commitmentWindow);
        }

        public Settings withDriftThreshold(double threshold) {
            return new Settings(shadowFraction, threshold, driftSmoothing, maxTrackedRequests, commitmentWindow);
        }
    }

    private final SigmaBuckets buckets = SigmaBuckets.DEFAULT;
    private final ShadowSampler sampler;
    private final DeltaBySigma deltas;
    private final WindowDrift drift;
    private final ClassCommitment commitment;
    private final Counter shadows;
    private final Counter undefined;
    private final Gauge calibrationSigma;
    private volatile Calibration calibration;

    /** With default settings. */
    public PhaseDiagnostics(PrometheusRegistry registry, Calibration calibration) {
        this(registry, calibration, Settings.defaults());
    }

    public PhaseDiagnostics(PrometheusRegistry registry, Calibration calibration, Settings settings) {
        if (registry == null || calibration == null || settings == null) {
            throw new IllegalArgumentException("registry, calibration and settings are required");
        }
        sampler = new ShadowSampler(settings.shadowFraction());
        deltas = new DeltaBySigma(registry, buckets);
        drift = new WindowDrift(registry, settings.driftThreshold(), settings.driftSmoothing());
        commitment = new ClassCommitment(registry, buckets, settings.maxTrackedRequests(), settings.commitmentWindow());
        shadows = Counter.builder().name("phaseflow_shadow_evaluations_total")
                .help("Shadowed steps recorded, by the route the step was served on.")
                .labelNames("route").register(registry);
        undefined = Counter.builder().name("phaseflow_shadow_undefined_total")
                .help("Shadowed steps whose Delta was undefined (global predictions without spread); not recorded.")
                .register(registry);
        calibrationSigma = Gauge.builder().name("phaseflow_calibration_sigma")
                .help("Calibrated sigma constants: transition window edges and spectral speciation sigma.")
                .labelNames("quantity").register(registry);
        for (String route : Routes.ALL) {
            shadows.initLabelValues(route);
        }
        recalibrate(calibration);
    }

    /** Whether step {@code stepIndex} of {@code requestId} gets a shadow evaluation. */
    public boolean shouldShadow(String requestId, int stepIndex) {
        return sampler.shouldShadow(requestId, stepIndex);
    }

    public double shadowFraction() {
        return sampler.fraction();
    }

    /**
     * Records a shadowed step at {@code sigma}, served on {@code route}: both models' x0 predictions
     * for a batch of {@code images} images of {@code imageSize} floats each. Returns Delta (see
     * {@link ShadowDelta}); NaN when undefined, which is counted but not recorded.
     */
    public double recordShadow(double sigma, String route, float[] globalX0, float[] localX0, int images,
                               int imageSize) {
        Routes.check(route);
        Checks.nonNegative("sigma", sigma);
        double delta = ShadowDelta.compute(globalX0, localX0, images, imageSize, calibration().dataVariance());
        shadows.labelValues(route).inc();
        if (Double.isNaN(delta)) {
            undefined.inc();
            return delta;
        }
        deltas.record(sigma, delta);
        drift.observe(calibration, sigma, route, delta);
        return delta;
    }

    /** Mean Delta per sigma bucket since start, ascending sigma; only buckets with observations. */
    public List<SigmaBucketMean> meanDeltaBySigma() {
        return deltas.means();
    }

    /** The current window drift, in [0, 1]. */
    public double windowDrift() {
        return drift.value();
    }

    /** Per-request class commitment tracking. */
    public ClassCommitment commitment() {
        return commitment;
    }

    /** The sigma buckets Delta and commitment are recorded in. */
    public SigmaBuckets sigmaBuckets() {
        return buckets;
    }

    public Calibration calibration() {
        return calibration;
    }

    /** Switches to a new calibration: updates the gauges and restarts the drift average. */
    public synchronized void recalibrate(Calibration next) {
        if (next == null) {
            throw new IllegalArgumentException("calibration is required");
        }
        calibration = next;
        calibrationSigma.labelValues("window_lo").set(next.windowLo());
        calibrationSigma.labelValues("window_hi").set(next.windowHi());
        calibrationSigma.labelValues("spectral_speciation").set(next.spectralSpeciation());
        drift.reset();
    }
}
