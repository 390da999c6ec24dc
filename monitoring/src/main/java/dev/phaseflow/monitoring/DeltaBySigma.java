package dev.phaseflow.monitoring;

import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.ArrayList;
import java.util.List;

/**
 * Shadow Delta by sigma bucket: a histogram of Delta per bucket ({@code phaseflow_shadow_delta},
 * whose {@code _sum}/{@code _count} give windowed means in PromQL and whose {@code _bucket}s feed a
 * heat map) and running sums for the lifetime mean, exposed as {@code phaseflow_shadow_delta_mean}
 * and through {@link #means()}.
 */
final class DeltaBySigma {
    /** Delta of about 1 means "as wrong as another sample": resolve well below and a little above. */
    static final double[] DELTA_BOUNDS = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 4};

    private final SigmaBuckets buckets;
    private final Histogram histogram;
    private final double[] sums;
    private final long[] counts;

    DeltaBySigma(PrometheusRegistry registry, SigmaBuckets buckets) {
        this.buckets = buckets;
        this.sums = new double[buckets.count()];
        this.counts = new long[buckets.count()];
        histogram = Histogram.builder().name("phaseflow_shadow_delta")
                .help("Shadow disagreement Delta between global and local x0 predictions, by sigma bucket "
                        + "(label: the bucket's upper sigma edge).")
                .labelNames("sigma_bucket").classicOnly().classicUpperBounds(DELTA_BOUNDS).register(registry);
        GaugeWithCallback.builder().name("phaseflow_shadow_delta_mean")
                .help("Mean shadow Delta since start, by sigma bucket; only buckets with observations.")
                .labelNames("sigma_bucket")
                .callback(cb -> means().forEach(m -> cb.call(m.meanDelta(), m.label())))
                .register(registry);
    }

    /** Records one Delta (finite, >= 0) at sigma. */
    void record(double sigma, double delta) {
        int k = buckets.indexOf(sigma);
        histogram.labelValues(buckets.label(k)).observe(delta);
        synchronized (this) {
            sums[k] += delta;
            counts[k]++;
        }
    }

    /** The buckets with at least one observation, ascending sigma. */
    synchronized List<SigmaBucketMean> means() {
        List<SigmaBucketMean> out = new ArrayList<>();
        for (int k = 0; k < counts.length; k++) {
            if (counts[k] > 0) {
                out.add(new SigmaBucketMean(k, buckets.lowerEdge(k), buckets.upperEdge(k), buckets.label(k), counts[k],
                        sums[k] / counts[k]));
            }
        }
        return out;
    }
}
