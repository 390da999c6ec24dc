package dev.phaseflow.monitoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ShadowSamplerTest {
    private static final int REQUESTS = 500;
    private static final int STEPS = 200;

    private static double rate(ShadowSampler sampler) {
        int shadowed = 0;
        for (int r = 0; r < REQUESTS; r++) {
            for (int s = 0; s < STEPS; s++) {
                if (sampler.shouldShadow("req-" + r, s)) {
                    shadowed++;
                }
            }
        }
        return shadowed / (double) (REQUESTS * STEPS);
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.02, 0.1, 0.5})
    void shadowsAboutTheConfiguredFraction(double fraction) {
        // 100k draws: the binomial standard deviation is at most 0.0016; allow about 4 of them
        assertEquals(fraction, rate(new ShadowSampler(fraction)), 0.006);
    }

    @Test
    void defaultFractionIsTwoPercent() {
        assertEquals(0.02, ShadowSampler.DEFAULT_FRACTION);
    }

    @Test
    void isDeterministicAcrossInstances() {
        ShadowSampler a = new ShadowSampler(0.3);
        ShadowSampler b = new ShadowSampler(0.3);
        for (int s = 0; s < 1000; s++) {
            assertEquals(a.shouldShadow("request-42", s), b.shouldShadow("request-42", s), "step " + s);
        }
    }

    @Test
    void aHigherFractionOnlyAddsSteps() {
        ShadowSampler low = new ShadowSampler(0.05);
        ShadowSampler high = new ShadowSampler(0.2);
        for (int s = 0; s < 5000; s++) {
            if (low.shouldShadow("r", s)) {
                assertTrue(high.shouldShadow("r", s), "step " + s);
            }
        }
    }

    @Test
    void neighbouringRequestsAndStepsAreNotCorrelated() {
        // consecutive steps of one request: not all shadowed or all not
        ShadowSampler half = new ShadowSampler(0.5);
        int agree = 0;
        for (int s = 0; s < 10_000; s++) {
            if (half.shouldShadow("a", s) == half.shouldShadow("b", s)) {
                agree++;
            }
        }
        assertEquals(0.5, agree / 10_000.0, 0.03);
    }

    @Test
    void extremesAreExact() {
        assertEquals(0.0, rate(new ShadowSampler(0)));
        assertEquals(1.0, rate(new ShadowSampler(1)));
    }

    @Test
    void rejectsBadFractions() {
        assertThrows(IllegalArgumentException.class, () -> new ShadowSampler(-0.01));
        assertThrows(IllegalArgumentException.class, () -> new ShadowSampler(1.01));
        assertThrows(IllegalArgumentException.class, () -> new ShadowSampler(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> new ShadowSampler(0.1).shouldShadow(null, 0));
        assertFalse(new ShadowSampler(0).shouldShadow("x", 0));
    }
}
