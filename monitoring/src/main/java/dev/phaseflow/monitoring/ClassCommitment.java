package dev.phaseflow.monitoring;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalDouble;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When each image commits to its class. The engine classifies every step's x0 preview and reports
 * the predicted class per image with {@link #observe}, steps in descending sigma; at the end,
 * {@link #finish} takes, for each image, the sigma of the first step from which the prediction
 * never changes again (the first step's sigma if it never changes) and observes it in
 * {@code phaseflow_class_commitment_sigma}. {@link #abandon} drops a cancelled or failed request
 * without recording: its last prediction is not a final class.
 *
 * <p>State is per request and bounded: at most {@code maxTracked} requests are followed; beyond
 * that the least recently observed one is dropped (counted in
 * {@code phaseflow_class_commitment_dropped_total}), so requests that are never finished cannot
 * leak. Thread-safe.
 */
public final class ClassCommitment {
    private static final Logger LOG = LoggerFactory.getLogger(ClassCommitment.class);

    private final Histogram commitmentSigma;
    private final Counter dropped;
    private final RecentValues recent;
    private final Map<String, Track> tracks;

    ClassCommitment(PrometheusRegistry registry, SigmaBuckets buckets, int maxTracked, int medianWindow) {
        Checks.positive("max tracked requests", maxTracked);
        recent = new RecentValues(medianWindow);
        commitmentSigma = Histogram.builder().name("phaseflow_class_commitment_sigma")
                .help("Sigma from which an image's predicted class never changed again.")
                .classicOnly().classicUpperBounds(buckets.edges()).register(registry);
        dropped = Counter.builder().name("phaseflow_class_commitment_dropped_total")
                .help("Requests whose commitment tracking was dropped because too many were tracked.")
                .register(registry);
        tracks = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Track> eldest) {
                if (size() <= maxTracked) {
                    return false;
                }
                dropped.inc();
                LOG.debug("dropping class-commitment tracking of request {}: over {} tracked", eldest.getKey(), maxTracked);
                return true;
            }
        };
    }

    /**
     * One step of {@code requestId} at {@code sigma}: the predicted class of each image. The image
     * count must stay the same and sigma must not increase within a request.
     */
    public void observe(String requestId, double sigma, int[] predictedClassPerImage) {
        Checks.nonBlank("request id", requestId);
        Checks.nonNegative("sigma", sigma);
        if (predictedClassPerImage == null || predictedClassPerImage.length == 0) {
            throw new IllegalArgumentException("need a predicted class for at least one image");
        }
        synchronized (tracks) {
            Track t = tracks.get(requestId);
            if (t == null) {
                tracks.put(requestId, new Track(sigma, predictedClassPerImage));
            } else {
                t.step(requestId, sigma, predictedClassPerImage);
            }
        }
    }

    /** Records the commitment sigma of each image of {@code requestId}; returns how many (0 if untracked). */
    public int finish(String requestId) {
        Track t;
        synchronized (tracks) {
            t = tracks.remove(requestId);
        }
        if (t == null) {
            return 0;
        }
        for (double sigma : t.since) {
            commitmentSigma.observe(sigma);
            recent.add(sigma);
        }
        return t.since.length;
    }

    /** Forgets {@code requestId} without recording; true if it was tracked. */
    public boolean abandon(String requestId) {
        synchronized (tracks) {
            return tracks.remove(requestId) != null;
        }
    }

    /** Requests being followed now. */
    public int trackedRequests() {
        synchronized (tracks) {
            return tracks.size();
        }
    }

    /** Median commitment sigma over the most recently finished images; empty before any. */
    public OptionalDouble medianCommitmentSigma() {
        return recent.median();
    }

    /** One request: per image, the current class and the sigma since which it has held. */
    private static final class Track {
        final int[] current;
        final double[] since;
        double lastSigma;

        Track(double sigma, int[] predicted) {
            current = predicted.clone();
            since = new double[predicted.length];
            Arrays.fill(since, sigma);
            lastSigma = sigma;
        }

        void step(String requestId, double sigma, int[] predicted) {
            if (predicted.length != current.length) {
                throw new IllegalArgumentException("request " + requestId + " had " + current.length
                        + " images, now " + predicted.length);
            }
            if (sigma > lastSigma) {
                throw new IllegalArgumentException("request " + requestId + ": sigma went up from " + lastSigma
                        + " to " + sigma + "; steps must come in descending sigma");
            }
            lastSigma = sigma;
            for (int i = 0; i < current.length; i++) {
                if (predicted[i] != current[i]) {
                    current[i] = predicted[i];
                    since[i] = sigma;
                }
            }
        }
    }
}
