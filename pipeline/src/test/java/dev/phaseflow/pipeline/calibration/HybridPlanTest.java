package dev.phaseflow.pipeline.calibration;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.phaseflow.pipeline.routing.RouterPlan.Interval;
import dev.phaseflow.pipeline.schedule.Schedules;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HybridPlanTest {
    static final double INF = Double.POSITIVE_INFINITY;
    static final double[] GRID = {0.01, 0.1, 1, 10, 100};
    static final ModelCosts COSTS = ModelCosts.given(Map.of("global", 10.0, "local", 1.0, "gaussian", 0.5));

    /** Errors by model along GRID; insertion order is the tie order of nothing: costs decide. */
    static Map<String, double[]> errors(double[] global, double[] local, double[] gaussian) {
        Map<String, double[]> m = new LinkedHashMap<>();
        m.put("global", global);
        m.put("local", local);
        m.put("gaussian", gaussian);
        return m;
    }

    @Test
    void cheapestWithinToleranceOfTheBest() {
        Map<String, double[]> e = errors(
                new double[] {1.00, 1.00, 1.00, 1.00, 1.00},
                new double[] {1.05, 1.09, 1.50, 1.11, 1.00},
                new double[] {3.00, 1.20, 2.00, 1.10, 0.99});
        String[] chosen = HybridPlan.choose(GRID, e, COSTS, 0.10);
        // 0.01: local within 10%; 0.1: local (gaussian 20% off); 1: only global; 10: gaussian (10%, cheaper
        // than the 11%-off local); 100: gaussian is best and cheapest
        assertArrayEquals(new String[] {"local", "local", "global", "gaussian", "gaussian"}, chosen);
        assertArrayEquals(new String[] {"global", "global", "global", "global", "gaussian"},
                HybridPlan.choose(GRID, e, COSTS, 0.0), "tolerance 0: the best model");
    }

    @Test
    void aGlobalModelWorseThanACheaperOneIsNotChosen() {
        // the undertrained-UNet case: at high noise the global model is worse than the data-mean-like
        // gaussian, though within tolerance of the best there; the cheaper gaussian wins
        Map<String, double[]> e = errors(
                new double[] {1.0, 1.0, 1.0, 1.08, 2.0},
                new double[] {2.0, 2.0, 2.0, 2.0, 2.0},
                new double[] {2.0, 2.0, 2.0, 1.0, 1.0});
        String[] chosen = HybridPlan.choose(GRID, e, COSTS, 0.10);
        assertEquals("gaussian", chosen[3]);
        assertEquals("gaussian", chosen[4]);
        // even when it is the cheapest, a model is only chosen within tolerance of the best
        ModelCosts globalCheapest = ModelCosts.given(Map.of("global", 0.1, "local", 1.0, "gaussian", 0.5));
        assertEquals("gaussian", HybridPlan.choose(GRID, e, globalCheapest, 0.10)[4]);
    }

    @Test
    void nanErrorsAreSkipped() {
        Map<String, double[]> e = errors(
                new double[] {Double.NaN, 1, 1, 1, 1},
                new double[] {2, 2, 2, 2, 2},
                new double[] {Double.NaN, 3, 3, 3, 3});
        assertEquals("local", HybridPlan.choose(GRID, e, COSTS, 0.1)[0]);
    }

    @Test
    void runsMergeIntoIntervalsWithGeometricMidpointBoundaries() {
        List<Interval> intervals = HybridPlan.intervals(GRID, new String[] {"local", "local", "global", "global", "local"});
        assertEquals(List.of(
                new Interval(0, Math.sqrt(0.1 * 1), "local"),
                new Interval(Math.sqrt(0.1 * 1), Math.sqrt(10 * 100), "global"),
                new Interval(Math.sqrt(10 * 100), INF, "local")), intervals);
        assertEquals(List.of(new Interval(0, INF, "gaussian")),
                HybridPlan.intervals(GRID, new String[] {"gaussian", "gaussian", "gaussian", "gaussian", "gaussian"}));
    }

    @Test
    void windowIsTheHullOfTheGlobalModelsCells() {
        Map<String, double[]> e = errors(
                new double[] {1, 1, 1, 1, 1},
                new double[] {1.0, 2.0, 1.05, 2.0, 1.0},
                new double[] {5, 5, 5, 5, 5});
        HybridPlan plan = HybridPlan.select(GRID, e, COSTS, 0.1, "global", new double[5], 0.1);
        assertArrayEquals(new String[] {"local", "global", "local", "global", "local"}, plan.chosen());
        assertEquals(HybridPlan.WindowSource.GLOBAL_MODEL, plan.windowSource());
        assertEquals(Math.sqrt(0.01 * 0.1), plan.windowLo(), 1e-15);
        assertEquals(Math.sqrt(10 * 100), plan.windowHi(), 1e-12);
        assertEquals(5, plan.intervals().size(), "the local gap inside the window stays local");
        assertEquals("global", plan.modelAt(0.2));
        assertEquals("local", plan.modelAt(1));

        Map<String, double[]> atEdges = errors(
                new double[] {1, 1, 1, 1, 1},
                new double[] {2, 1, 1, 1, 2},
                new double[] {5, 5, 5, 5, 5});
        HybridPlan edges = HybridPlan.select(GRID, atEdges, COSTS, 0.1, "global", new double[5], 0.1);
        assertEquals(0.01, edges.windowLo(), "the window ends at the grid, never at 0 or infinity");
        assertEquals(100, edges.windowHi());
    }

    @Test
    void withoutTheGlobalModelTheWindowComesFromDelta() {
        Map<String, double[]> e = errors(
                new double[] {1, 1, 1, 1, 1},
                new double[] {1, 1, 1, 1, 1},
                new double[] {5, 5, 5, 5, 5});
        HybridPlan byThreshold = HybridPlan.select(GRID, e, COSTS, 0.1, "global",
                new double[] {0.01, 0.2, 0.05, 0.3, 0.02}, 0.1);
        assertEquals(HybridPlan.WindowSource.DELTA_THRESHOLD, byThreshold.windowSource());
        assertEquals(Math.sqrt(0.01 * 0.1), byThreshold.windowLo(), 1e-15);
        assertEquals(Math.sqrt(10 * 100), byThreshold.windowHi(), 1e-12);

        HybridPlan byPeak = HybridPlan.select(GRID, e, COSTS, 0.1, "global",
                new double[] {0.01, 0.02, Double.NaN, 0.05, 0.02}, 0.1);
        assertEquals(HybridPlan.WindowSource.DELTA_PEAK, byPeak.windowSource());
        assertEquals(Math.sqrt(1 * 10), byPeak.windowLo(), 1e-12);
        assertEquals(Math.sqrt(10 * 100), byPeak.windowHi(), 1e-12);

        IllegalStateException none = assertThrows(IllegalStateException.class, () -> HybridPlan.select(GRID, e, COSTS,
                0.1, "global", new double[] {Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN}, 0.1));
        assertTrue(none.getMessage().contains("no transition window"), none.getMessage());
    }

    @Test
    void badInputsAreNamed() {
        Map<String, double[]> e = errors(new double[5], new double[5], new double[5]);
        e.put("unet", new double[5]);
        IllegalArgumentException noCost = assertThrows(IllegalArgumentException.class,
                () -> HybridPlan.choose(GRID, e, COSTS, 0.1));
        assertTrue(noCost.getMessage().contains("no cost for model 'unet'"), noCost.getMessage());
        IllegalArgumentException tolerance = assertThrows(IllegalArgumentException.class,
                () -> HybridPlan.choose(GRID, errors(new double[5], new double[5], new double[5]), COSTS, -0.1));
        assertTrue(tolerance.getMessage().contains("field 'tolerance'"), tolerance.getMessage());
        IllegalArgumentException length = assertThrows(IllegalArgumentException.class,
                () -> HybridPlan.choose(GRID, errors(new double[4], new double[5], new double[5]), COSTS, 0.1));
        assertTrue(length.getMessage().contains("model 'global' have 4 values for a grid of 5"), length.getMessage());
    }

    @Test
    void globalShareAndSpeedUpOfAKnownSchedule() {
        List<Interval> plan = List.of(new Interval(0, 0.8, "local"), new Interval(0.8, 4, "global"),
                new Interval(4, INF, "local"));
        ModelCosts costs = ModelCosts.given(Map.of("global", 4.0, "local", 1.0));
        ScheduleEstimate s = ScheduleEstimate.of("test", new double[] {10, 5, 2, 1, 0.5, 0}, plan, "global", costs);
        // steps at 10, 5, 2, 1, 0.5 (the final 0 needs no call): local, local, global, global, local
        assertEquals(5, s.steps());
        assertEquals(2, s.globalSteps());
        assertEquals(0.4, s.globalShare(), 1e-15);
        assertEquals(1 + 1 + 4 + 4 + 1, s.planSeconds(), 1e-12);
        assertEquals(5 * 4, s.globalSeconds(), 1e-12);
        assertEquals(20.0 / 11.0, s.speedUp(), 1e-12);

        double[] karras = ScheduleEstimate.referenceSchedule();
        assertArrayEquals(Schedules.karras(50, 0.002, 80, 7.0), karras);
        ScheduleEstimate reference = ScheduleEstimate.of(ScheduleEstimate.REFERENCE_NAME, karras, plan, "global", costs);
        int inside = 0;
        for (int i = 0; i < 50; i++) {
            inside += karras[i] >= 0.8 && karras[i] < 4 ? 1 : 0;
        }
        assertEquals(50, reference.steps());
        assertEquals(inside, reference.globalSteps());
        assertEquals(200.0 / (50 + 3 * inside), reference.speedUp(), 1e-12);
    }
}
