package dev.phaseflow.pipeline;

import dev.phaseflow.api.SampleRequestBody;
import dev.phaseflow.pipeline.routing.Mode;
import dev.phaseflow.pipeline.sampling.Solvers;
import dev.phaseflow.pipeline.schedule.Schedules;

/**
 * What to sample.
 *
 * @param count        images to generate
 * @param steps        solver steps (the schedule has steps + 1 sigmas, the last 0)
 * @param solver       euler, heun, dpmpp-2m or euler-ancestral
 * @param schedule     karras, exponential, vp-cosine or linear-beta
 * @param mode         hybrid, global, local or swapped
 * @param seed         with the image index, fixes every random number of an image
 * @param previewEvery emit the x0 estimate every k steps (and at the last step); 0 for none
 * @param eta          ancestral noise scale in [0, 1] (euler-ancestral)
 */
public record SampleRequest(int count, int steps, String solver, String schedule, Mode mode, long seed,
                            int previewEvery, double eta) {

    public static final int DEFAULT_STEPS = 32;

    /** Defaults: 1 image, 32 Euler steps on the Karras schedule, hybrid, seed 0, no previews. */
    public static SampleRequest defaults() {
        return new SampleRequest(1, DEFAULT_STEPS, "euler", "karras", Mode.HYBRID, 0L, 0, 1.0);
    }

    public SampleRequest withCount(int n) {
        return new SampleRequest(n, steps, solver, schedule, mode, seed, previewEvery, eta);
    }

    public SampleRequest withSteps(int n) {
        return new SampleRequest(count, n, solver, schedule, mode, seed, previewEvery, eta);
    }

    public SampleRequest withSolver(String s) {
        return new SampleRequest(count, steps, s, schedule, mode, seed, previewEvery, eta);
    }

    public SampleRequest withSchedule(String s) {
        return new SampleRequest(count, steps, solver, s, mode, seed, previewEvery, eta);
    }

    public SampleRequest withMode(Mode m) {
        return new SampleRequest(count, steps, solver, schedule, m, seed, previewEvery, eta);
    }

    public SampleRequest withSeed(long s) {
        return new SampleRequest(count, steps, solver, schedule, mode, s, previewEvery, eta);
    }

    public SampleRequest withPreviewEvery(int k) {
        return new SampleRequest(count, steps, solver, schedule, mode, seed, k, eta);
    }

    public SampleRequest withEta(double e) {
        return new SampleRequest(count, steps, solver, schedule, mode, seed, previewEvery, e);
    }

    /** As the wire carries it: the load-test client's request body, the echo in a started event (no timeout). */
    public SampleRequestBody toBody() {
        return new SampleRequestBody(count, steps, solver, schedule, mode.id(), seed, previewEvery, eta, null);
    }

    /** Limits a service puts on requests. */
    public record Limits(int maxCount, int maxSteps) {
        public static Limits defaults() {
            return new Limits(256, 1000);
        }
    }

    /** Checks every field; the message names the field, the value and what is allowed. */
    public void validate(Limits limits) {
        if (count < 1 || count > limits.maxCount()) {
            throw new InvalidRequestException("count", "must be between 1 and " + limits.maxCount() + ", got " + count);
        }
        if (steps < 1 || steps > limits.maxSteps()) {
            throw new InvalidRequestException("steps", "must be between 1 and " + limits.maxSteps() + ", got " + steps);
        }
        if (solver == null || !Solvers.IDS.contains(solver)) {
            throw new InvalidRequestException("solver", "must be one of " + String.join(", ", Solvers.IDS) + ", got '" + solver + "'");
        }
        try {
            Schedules.Kind.parse(schedule);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new InvalidRequestException("schedule", "must be one of karras, exponential, vp-cosine, linear-beta, got '"
                    + schedule + "'");
        }
        if (mode == null) {
            throw new InvalidRequestException("mode", "must be one of hybrid, global, local, swapped");
        }
        if (previewEvery < 0) {
            throw new InvalidRequestException("preview_every", "must not be negative, got " + previewEvery);
        }
        if (!(eta >= 0 && eta <= 1)) {
            throw new InvalidRequestException("eta", "must be in [0, 1], got " + eta);
        }
    }
}
