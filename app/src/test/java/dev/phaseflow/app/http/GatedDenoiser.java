package dev.phaseflow.app.http;

import dev.phaseflow.models.Denoiser;
import dev.phaseflow.models.ImageBatch;
import dev.phaseflow.models.ModelRole;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Lets a fixed number of calls through, then blocks until the test releases more: a request
 * that stays in flight exactly as long as a test needs, without timing.
 */
final class GatedDenoiser implements Denoiser {
    private final Denoiser inner;
    private final Semaphore permits;
    final AtomicInteger calls = new AtomicInteger();

    GatedDenoiser(Denoiser inner, int open) {
        this.inner = inner;
        this.permits = new Semaphore(open);
    }

    void release(int n) {
        permits.release(n);
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
        permits.acquireUninterruptibly();
        calls.incrementAndGet();
        return inner.denoise(x, sigma);
    }
}
