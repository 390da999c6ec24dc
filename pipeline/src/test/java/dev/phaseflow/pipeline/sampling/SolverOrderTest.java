package dev.phaseflow.pipeline.sampling;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.phaseflow.models.ModelRole;
import dev.phaseflow.pipeline.GaussianData;
import dev.phaseflow.pipeline.schedule.Schedules;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** On Gaussian data with the exact denoiser, the final error falls with the step count at the solver's order. */
class SolverOrderTest {

    @ParameterizedTest(name = "{0}: order {1}..{2}")
    @CsvSource({"euler, 0.8, 1.3", "heun, 1.7, 2.6", "dpmpp-2m, 1.6, 2.6"})
    void errorFallsAtTheExpectedOrder(String solverId, double minOrder, double maxOrder) {
        var data = new GaussianData(1, 6, 6);
        var d = data.denoiser("exact", ModelRole.GLOBAL);
        double sigmaMax = 10;
        int[] steps = {12, 24, 48};
        double[] errors = new double[steps.length];
        for (int k = 0; k < steps.length; k++) {
            // exponential schedule: equal steps in log sigma, so halving the step halves h everywhere
            double[] sigmas = Schedules.exponential(steps[k], 0.01, sigmaMax);
            SamplingRun run = SamplingRun.start(Solvers.of(solverId, 0), sigmas, new NoiseSource(7), new long[] {0, 1, 2},
                    data.channels, data.height, data.width);
            float[] xT = run.x().data().clone();
            while (!run.done()) {
                Solver.Evaluation e = run.pending();
                run.accept(d.denoise(e.x(), new double[] {e.sigma(), e.sigma(), e.sigma()}), "exact");
            }
            // reference: the same schedule's ODE solution from sigma_max to sigma_min, then x0 = D at sigma_min
            double[] exact = data.exactOdeEndAt(xT, sigmaMax, 0.01);
            double err = 0;
            for (int i = 0; i < exact.length; i++) {
                err = Math.max(err, Math.abs(run.x().data()[i] - exact[i]));
            }
            errors[k] = err;
        }
        for (int k = 1; k < steps.length; k++) {
            double order = Math.log(errors[k - 1] / errors[k]) / Math.log(2);
            assertTrue(order >= minOrder && order <= maxOrder, solverId + ": errors " + java.util.Arrays.toString(errors)
                    + " give order " + order + " between " + steps[k - 1] + " and " + steps[k] + " steps");
        }
    }
}
