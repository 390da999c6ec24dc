package dev.phaseflow.models;

/**
 * The one denoiser signature of phaseflow, in variance-exploding form: given noisy images
 * x = x0 + sigma * eps, estimate x0. Each image has its own sigma, so steps of different
 * sampling runs can share one call.
 */
public interface Denoiser extends AutoCloseable {

    String name();

    ModelRole role();

    /** D(x; sigma) -> x0, with {@code sigma[i]} the noise level of image i. */
    ImageBatch denoise(ImageBatch x, double[] sigma);

    /** Releases native resources; a no-op for denoisers that hold none. */
    @Override
    default void close() {}
}
