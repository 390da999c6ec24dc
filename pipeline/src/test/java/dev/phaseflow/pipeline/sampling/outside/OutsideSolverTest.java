package dev.phaseflow.pipeline.sampling.outside;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.phaseflow.models.Denoiser;
import dev.phaseflow.models.ImageBatch;
import dev.phaseflow.models.ModelRole;
import dev.phaseflow.pipeline.GaussianData;
import dev.phaseflow.pipeline.sampling.NoiseSource;
import dev.phaseflow.pipeline.sampling.SamplingRun;
import dev.phaseflow.pipeline.sampling.Solver;
import dev.phaseflow.pipeline.sampling.Solvers;
import dev.phaseflow.pipeline.sampling.Step;
import dev.phaseflow.pipeline.schedule.Schedules;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Solvers written outside the sampling package, on Step's public API only: copies of Heun,
 * DPM-Solver++(2M) and Euler ancestral give the built-in solvers' images bit for bit, and the run
 * asks for Heun's predictor once per step however often the loop reads the pending evaluation.
 */
class OutsideSolverTest {
    private static final GaussianData DATA = new GaussianData(1, 6, 6);

    /** Heun as a user would write it, counting how often its predictor is computed. */
    static final class CountingHeun implements Solver {
        final AtomicInteger points = new AtomicInteger();

        public String id() {
            return "outside-heun";
        }

        public int evaluations(double[] sigmas, int i) {
            return sigmas[i + 1] > 0 ? 2 : 1;
        }

        public Evaluation point(Step s, int k) {
            points.incrementAndGet();
            return new Evaluation(Step.alongDirection(s.x(), s.x0(0), (s.nextSigma() - s.sigma()) / s.sigma()), s.nextSigma());
        }

        public ImageBatch advance(Step s) {
            if (s.nextSigma() == 0) {
                return Step.alongDirection(s.x(), s.x0(0), (s.nextSigma() - s.sigma()) / s.sigma());
            }
            double dt = s.nextSigma() - s.sigma();
            float[] x = s.x().data();
            float[] a = s.x0(0).data();
            float[] e = s.evaluation(1).x().data();
            float[] b = s.x0(1).data();
            float c0 = (float) (dt / (2 * s.sigma()));
            float c1 = (float) (dt / (2 * s.nextSigma()));
            float[] out = new float[x.length];
            for (int i = 0; i < x.length; i++) {
                out[i] = x[i] + c0 * (x[i] - a[i]) + c1 * (e[i] - b[i]);
            }
            return Step.like(s.x(), out);
        }
    }

    /** DPM-Solver++(2M) on the public history accessors. */
    record OutsideDpm() implements Solver {
        public String id() {
            return "outside-dpm";
        }

        public ImageBatch advance(Step s) {
            if (s.nextSigma() == 0) {
                return s.x0(0);
            }
            double h = Math.log(s.sigma() / s.nextSigma());
            ImageBatch denoised = s.x0(0);
            if (s.index() > 0 && s.historyFromSameModel()) {
                double r = Math.log(s.previousSigma() / s.sigma()) / h;
                denoised = Step.combine(1 + 1 / (2 * r), s.x0(0), -1 / (2 * r), s.previousX0().orElseThrow());
            }
            return Step.combine(s.nextSigma() / s.sigma(), s.x(), -Math.expm1(-h), denoised);
        }
    }

    /** Euler ancestral on the step's public noise. */
    record OutsideAncestral(double eta) implements Solver {
        public String id() {
            return "outside-ancestral";
        }

        public boolean stochastic() {
            return true;
        }

        public ImageBatch advance(Step s) {
            double from = s.sigma();
            double to = s.nextSigma();
            double up = Math.min(to, eta * Math.sqrt(to * to * (from * from - to * to) / (from * from)));
            double down = Math.sqrt(to * to - up * up);
            ImageBatch x = Step.alongDirection(s.x(), s.x0(0), (down - from) / from);
            return to > 0 && up > 0 ? Step.addScaled(x, up, s.noise()) : x;
        }
    }

    /** The sampling loop; the global model above sigma 1, the local one below (so DPM's history switches model once). */
    private static float[] sample(Solver solver) {
        Denoiser global = DATA.denoiser("g", ModelRole.GLOBAL);
        Denoiser local = DATA.denoiser("l", ModelRole.LOCAL);
        double[] sigmas = Schedules.exponential(10, 0.02, 10);
        long[] ids = {3, 4};
        SamplingRun run = SamplingRun.start(solver, sigmas, new NoiseSource(11), ids, DATA.channels, DATA.height, DATA.width);
        while (!run.done()) {
            Solver.Evaluation e = run.pending();
            assertEquals(e, run.pending()); // reading it again is free: it is the same evaluation
            Denoiser d = e.sigma() > 1 ? global : local;
            double[] sigma = new double[ids.length];
            Arrays.fill(sigma, e.sigma());
            run.accept(d.denoise(e.x(), sigma), d.name());
        }
        return run.x().data();
    }

    @Test
    void anOutsideHeunMatchesTheBuiltInOneAndItsPredictorIsComputedOncePerStep() {
        CountingHeun heun = new CountingHeun();
        float[] outside = sample(heun);
        assertArrayEquals(sample(Solvers.of("heun", 0)), outside);
        assertEquals(9, heun.points.get(), "one predictor for each of the 9 steps that do not end at sigma 0");
    }

    @Test
    void outsideMultistepAndStochasticSolversMatchTheBuiltInOnes() {
        assertArrayEquals(sample(Solvers.of("dpmpp-2m", 0)), sample(new OutsideDpm()));
        float[] ancestral = sample(new OutsideAncestral(0.7));
        assertArrayEquals(sample(Solvers.of("euler-ancestral", 0.7)), ancestral);
        assertTrue(!Arrays.equals(ancestral, sample(Solvers.of("euler", 0))), "eta 0.7 must add noise");
    }
}
