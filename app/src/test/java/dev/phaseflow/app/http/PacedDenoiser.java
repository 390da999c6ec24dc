package dev.phaseflow.app.http;

import dev.phaseflow.models.Denoiser;
import dev.phaseflow.models.ImageBatch;
import dev.phaseflow.models.ModelRole;
import java.util.concurrent.locks.LockSupport;

/** The fixture's exact denoiser, each call taking {@code nanosPerCall} plus {@code nanosPerImage} per image. */
record PacedDenoiser(Denoiser inner, long nanosPerCall, long nanosPerImage) implements Denoiser {

    static PacedDenoiser of(String name, ModelRole role, long nanosPerCall, long nanosPerImage) {
        return new PacedDenoiser(ServerFixture.DATA.denoiser(name, role), nanosPerCall, nanosPerImage);
    }

    public String name() {
        return inner.name();
    }

    public ModelRole role() {
        return inner.role();
    }

    public ImageBatch denoise(ImageBatch x, double[] sigma) {
        long until = System.nanoTime() + nanosPerCall + nanosPerImage * x.count();
        for (long left; (left = until - System.nanoTime()) > 0; ) {
            LockSupport.parkNanos(left);
        }
        return inner.denoise(x, sigma);
    }
}
