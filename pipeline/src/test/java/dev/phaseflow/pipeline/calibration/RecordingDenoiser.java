package dev.phaseflow.pipeline.calibration;

import dev.phaseflow.models.Denoiser;
import dev.phaseflow.models.ImageBatch;
import dev.phaseflow.models.ModelRole;
import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleUnaryOperator;

/** A denoiser applying a function to every value, remembering each call's input and sigmas. */
final class RecordingDenoiser implements Denoiser {
    private final String name;
    private final ModelRole role;
    private final DoubleUnaryOperator f;
    final List<ImageBatch> inputs = new ArrayList<>();
    final List<double[]> sigmas = new ArrayList<>();

    RecordingDenoiser(String name, ModelRole role, DoubleUnaryOperator f) {
        this.name = name;
        this.role = role;
        this.f = f;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public ModelRole role() {
        return role;
    }

    @Override
    public ImageBatch denoise(ImageBatch x, double[] sigma) {
        inputs.add(x);
        sigmas.add(sigma.clone());
        float[] out = new float[x.data().length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) f.applyAsDouble(x.data()[i]);
        }
        return new ImageBatch(x.count(), x.channels(), x.height(), x.width(), out);
    }
}
