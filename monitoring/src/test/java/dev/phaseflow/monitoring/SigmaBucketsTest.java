package dev.phaseflow.monitoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SigmaBucketsTest {
    private final SigmaBuckets buckets = SigmaBuckets.DEFAULT;

    @Test
    void defaultHas24LogSpacedBucketsFrom0002To80() {
        assertEquals(24, buckets.count());
        assertEquals(0.002, buckets.lowerEdge(0));
        assertEquals(80, buckets.upperEdge(23));
        assertEquals(List.of("0.00311", "0.00484", "0.00752", "0.0117", "0.0182", "0.0283", "0.044", "0.0684",
                "0.106", "0.165", "0.257", "0.4", "0.622", "0.967", "1.5", "2.34", "3.64", "5.66", "8.8", "13.7",
                "21.3", "33.1", "51.4", "80"), buckets.labels());
        for (int k = 0; k < buckets.count(); k++) {
            double ratio = buckets.upperEdge(k) / buckets.lowerEdge(k);
            assertEquals(1.555, ratio, 0.015, "bucket " + k + " ratio (edges rounded to 3 digits)");
            assertEquals(Double.parseDouble(buckets.label(k)), buckets.upperEdge(k), "label is the upper edge");
        }
    }

    @Test
    void upperEdgesAreInclusive() {
        for (int k = 0; k < buckets.count(); k++) {
            double upper = buckets.upperEdge(k);
            assertEquals(k, buckets.indexOf(upper), "sigma on the upper edge of " + k);
            if (k + 1 < buckets.count()) {
                assertEquals(k + 1, buckets.indexOf(Math.nextUp(upper)), "just above the upper edge of " + k);
            }
            assertEquals(k, buckets.indexOf(Math.nextUp(buckets.lowerEdge(k))), "just above the lower edge of " + k);
        }
    }

    @ParameterizedTest
    @CsvSource({"0, 0", "1e-9, 0", "0.002, 0", "0.0031, 0", "0.00312, 1", "0.39, 11", "0.4, 11", "0.41, 12",
        "1.0, 14", "79.99, 23", "80, 23", "80.5, 23", "1e6, 23"})
    void clampsOutOfRangeSigmasIntoTheEndBuckets(double sigma, int expected) {
        assertEquals(expected, buckets.indexOf(sigma));
    }

    @Test
    void labelOfIsTheLabelOfTheBucket() {
        assertEquals("0.4", buckets.labelOf(0.3));
        assertEquals("80", buckets.labelOf(100));
    }

    @Test
    void customBucketsAndBadArguments() {
        SigmaBuckets decades = new SigmaBuckets(0.01, 100, 4);
        assertEquals(List.of("0.1", "1", "10", "100"), decades.labels());
        assertEquals(2, decades.indexOf(10));
        assertEquals(3, decades.indexOf(10.0001));
        assertEquals(5, decades.edges().length);
        assertTrue(new HashSet<>(decades.labels()).size() == 4);
        assertThrows(IllegalArgumentException.class, () -> buckets.indexOf(-0.1));
        assertThrows(IllegalArgumentException.class, () -> buckets.indexOf(Double.NaN));
        assertThrows(IndexOutOfBoundsException.class, () -> buckets.label(24));
        assertThrows(IllegalArgumentException.class, () -> new SigmaBuckets(0, 80, 24));
        assertThrows(IllegalArgumentException.class, () -> new SigmaBuckets(1, 1, 24));
        assertThrows(IllegalArgumentException.class, () -> new SigmaBuckets(1, 2, 0));
        assertThrows(IllegalArgumentException.class, () -> new SigmaBuckets(1, 1.001, 100), "too narrow for labels");
    }
}
