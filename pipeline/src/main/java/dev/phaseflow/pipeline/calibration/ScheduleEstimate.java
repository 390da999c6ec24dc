package dev.phaseflow.pipeline.calibration;

import dev.phaseflow.pipeline.routing.RouterPlan.Interval;
import dev.phaseflow.pipeline.schedule.Schedules;
import java.util.List;

/**
 * What a plan implies for one sampling schedule: one model call per step at the step's sigma
 * (the first n entries of a k-diffusion schedule; the final 0 needs no call), how many of them go
 * to the global model, and the speed-up over calling the global model at every step.
 *
 * @param schedule        what schedule, for reports ("karras-50")
 * @param steps           model calls per sample
 * @param globalSteps     calls routed to the global model
 * @param globalShare     globalSteps / steps
 * @param planSeconds     cost of one sample under the plan (sum over steps of the chosen model's cost)
 * @param globalSeconds   cost of one sample with the global model at every step
 * @param speedUp         globalSeconds / planSeconds
 */
public record ScheduleEstimate(String schedule, int steps, int globalSteps, double globalShare, double planSeconds,
                               double globalSeconds, double speedUp) {

    public static final String REFERENCE_NAME = "karras-50";

    /** The reference schedule of reports: 50 Karras steps (rho 7) from 80 down to 0.002. */
    public static double[] referenceSchedule() {
        return Schedules.karras(50, 0.002, 80, 7.0);
    }

    /**
     * @param sigmas a descending schedule of n sigmas followed by a final 0, as {@link Schedules} makes
     */
    public static ScheduleEstimate of(String schedule, double[] sigmas, List<Interval> plan, String globalModel,
                                      ModelCosts costs) {
        int steps = sigmas.length - 1;
        if (steps < 1) {
            throw new IllegalArgumentException("schedule '" + schedule + "' has no steps");
        }
        int global = 0;
        double planSeconds = 0;
        for (int i = 0; i < steps; i++) {
            String model = HybridPlan.modelAt(plan, sigmas[i]);
            planSeconds += costs.of(model);
            if (model.equals(globalModel)) {
                global++;
            }
        }
        double globalSeconds = steps * costs.of(globalModel);
        return new ScheduleEstimate(schedule, steps, global, (double) global / steps, planSeconds, globalSeconds,
                globalSeconds / planSeconds);
    }
}
