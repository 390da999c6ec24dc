package dev.phaseflow.pipeline.sampling;

import dev.phaseflow.models.ImageBatch;

/**
 * A solver of the probability-flow ODE (or SDE) dx/dsigma = (x - D(x; sigma)) / sigma as a step
 * function over a sigma array. A step needs one or more denoiser evaluations; evaluation 0 is
 * always at (x, sigma_i), later ones where {@link #point} says. {@link SamplingRun} is the one
 * loop that drives every solver, synchronously or with asynchronous model calls. A solver may live
 * in any package: {@link Step} gives it everything through public accessors.
 */
public interface Solver {

    /** Id used in requests: euler, heun, dpmpp-2m, euler-ancestral. */
    String id();

    /** How many denoiser evaluations step i of this schedule needs. */
    default int evaluations(double[] sigmas, int i) {
        return 1;
    }

    /**
     * Where evaluation k (k >= 1) of the step takes place: the state and sigma to denoise. Called once
     * per evaluation, when the one before it is in; the run keeps the answer as {@link Step#evaluation}.
     */
    default Evaluation point(Step step, int k) {
        throw new IllegalStateException(id() + " makes one evaluation per step");
    }

    /** The state after the step, from its evaluations. */
    ImageBatch advance(Step step);

    /** Whether {@link #advance} draws noise (then the run needs a noise source and sample indices). */
    default boolean stochastic() {
        return false;
    }

    /** A denoiser evaluation: D at state x and noise level sigma (one sigma for the whole run). */
    record Evaluation(ImageBatch x, double sigma) {}
}
