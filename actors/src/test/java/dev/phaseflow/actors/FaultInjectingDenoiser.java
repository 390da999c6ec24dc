package dev.phaseflow.actors;

import dev.phaseflow.models.Denoiser;
import dev.phaseflow.models.ImageBatch;
import dev.phaseflow.models.ModelOutputException;
import dev.phaseflow.models.ModelRole;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;

/** Fails a fraction of calls, half by throwing and half as a NaN output would; otherwise the wrapped denoiser. */
final class FaultInjectingDenoiser implements Denoiser {
    private final Denoiser inner;
    private final double failureRate;
    private final SplittableRandom random;
    final AtomicInteger calls = new AtomicInteger();
    final AtomicInteger failures = new AtomicInteger();

    FaultInjectingDenoiser(Denoiser inner, double failureRate, long seed) {
        this.inner = inner;
        this.failureRate = failureRate;
        this.random = new SplittableRandom(seed);
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
        calls.incrementAndGet();
        double draw;
        synchronized (random) {
            draw = random.nextDouble();
        }
        if (draw < failureRate) {
            failures.incrementAndGet();
            if (draw < failureRate / 2) {
                throw new ModelOutputException("model '" + name() + "' produced NaN in output 'x0' (injected)");
            }
            throw new IllegalStateException("injected failure of model '" + name() + "'");
        }
        return inner.denoise(x, sigma);
    }
}
