package dev.phaseflow.actors;

import dev.phaseflow.models.Denoiser;
import dev.phaseflow.models.ImageBatch;
import dev.phaseflow.models.ModelRole;
import java.util.concurrent.atomic.AtomicInteger;

/** The wrapped denoiser, each call taking at least {@code millis}; counts the calls in progress. */
final class SlowDenoiser implements Denoiser {
    private final Denoiser inner;
    private final long millis;
    final AtomicInteger running = new AtomicInteger();
    final AtomicInteger calls = new AtomicInteger();

    SlowDenoiser(Denoiser inner, long millis) {
        this.inner = inner;
        this.millis = millis;
    }

    @Override
    public String name() {
        return inner.name();
    }

    @Override
    public ModelRole role() {
        return inner.role();
    }

    @Override
    public ImageBatch denoise(ImageBatch x, double[] sigma) {
        running.incrementAndGet();
        calls.incrementAndGet();
        try {
            Thread.sleep(millis);
            return inner.denoise(x, sigma);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } finally {
            running.decrementAndGet();
        }
    }
}
