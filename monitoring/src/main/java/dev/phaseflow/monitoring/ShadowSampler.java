package dev.phaseflow.monitoring;

import java.nio.charset.StandardCharsets;

/**
 * Decides which steps get a shadow evaluation. Deterministic: a (request id, step index) pair
 * hashes to a number u uniform in [0, 1) and is shadowed when {@code u < fraction}. So reruns and
 * replicas agree, the decision needs no shared state, and raising the fraction only adds steps.
 */
public final class ShadowSampler {
    /** Shadow about one step in fifty: cheap, yet fills the sigma buckets within minutes of traffic. */
    public static final double DEFAULT_FRACTION = 0.02;

    private final double fraction;

    public ShadowSampler(double fraction) {
        this.fraction = Checks.fraction("shadow fraction", fraction);
    }

    public double fraction() {
        return fraction;
    }

    /** Whether step {@code stepIndex} of request {@code requestId} is shadowed. */
    public boolean shouldShadow(String requestId, int stepIndex) {
        return unit(requestId, stepIndex) < fraction;
    }

    /** The pair's hash as a double in [0, 1). */
    static double unit(String requestId, int stepIndex) {
        if (requestId == null) {
            throw new IllegalArgumentException("request id is required");
        }
        // FNV-1a over the id's UTF-8 bytes, then the step, then a SplitMix64 finaliser to spread the bits
        long h = 0xcbf29ce484222325L;
        for (byte b : requestId.getBytes(StandardCharsets.UTF_8)) {
            h = (h ^ (b & 0xff)) * 0x100000001b3L;
        }
        h ^= stepIndex * 0x9e3779b97f4a7c15L;
        h = (h ^ (h >>> 30)) * 0xbf58476d1ce4e5b9L;
        h = (h ^ (h >>> 27)) * 0x94d049bb133111ebL;
        h ^= h >>> 31;
        return (h >>> 11) * 0x1.0p-53;
    }
}
