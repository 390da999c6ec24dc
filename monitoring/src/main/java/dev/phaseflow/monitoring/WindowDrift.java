package dev.phaseflow.monitoring;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * Whether the calibrated window still fits the traffic. Outside the window the local model is
 * supposed to agree with the global one; a shadowed local-route step outside the window whose
 * Delta exceeds the threshold says the window is too narrow for this traffic. The drift is the
 * exponentially weighted fraction of such exceedances among checked steps (weight
 * {@code smoothing} for the newest step), 0 at start and after recalibration.
 *
 * <p>Local-route steps inside the window (an experiment such as the swapped mode) are not
 * checked: there a large Delta is expected, not drift.
 */
final class WindowDrift {
    private final double threshold;
    private final double smoothing;
    private final Gauge drift;
    private final Counter checks;
    private final Counter exceedances;
    private double value;

    WindowDrift(PrometheusRegistry registry, double threshold, double smoothing) {
        this.threshold = Checks.nonNegative("drift threshold", threshold);
        this.smoothing = Checks.weight("drift smoothing", smoothing);
        drift = Gauge.builder().name("phaseflow_window_drift")
                .help("Exponentially weighted fraction of shadowed local-route steps outside the window whose "
                        + "Delta exceeds the threshold; high means the calibrated window is stale.")
                .register(registry);
        checks = Counter.builder().name("phaseflow_window_drift_checks_total")
                .help("Shadowed local-route steps outside the window, checked for drift.").register(registry);
        exceedances = Counter.builder().name("phaseflow_window_drift_exceedances_total")
                .help("Checked steps whose Delta exceeded the drift threshold.").register(registry);
    }

    /** Takes one shadowed step into account. */
    void observe(Calibration window, double sigma, String route, double delta) {
        if (!Routes.LOCAL.equals(route) || window.inWindow(sigma)) {
            return;
        }
        boolean exceeded = delta > threshold;
        checks.inc();
        if (exceeded) {
            exceedances.inc();
        }
        synchronized (this) {
            value += smoothing * ((exceeded ? 1 : 0) - value);
            drift.set(value);
        }
    }

    /** Forgets the history: the window it was measured against has changed. */
    synchronized void reset() {
        value = 0;
        drift.set(0);
    }

    synchronized double value() {
        return value;
    }

    double threshold() {
        return threshold;
    }
}
