package dev.phaseflow.models;

import java.nio.FloatBuffer;

/** A whole-image ONNX denoiser wrapped into D(x; sigma) -> x0 from its manifest's convention. */
public final class OnnxDenoiser implements Denoiser {
    private final OnnxModel model;

    public OnnxDenoiser(OnnxModel model) {
        if (!model.manifest().isDenoiser()) {
            throw new ModelException(model.manifest().manifestFile() + ": model '" + model.name() + "' is a "
                    + model.manifest().role().id() + ", not a denoiser");
        }
        this.model = model;
    }

    @Override
    public String name() {
        return model.name();
    }

    @Override
    public ModelRole role() {
        return model.manifest().role();
    }

    public ModelManifest manifest() {
        return model.manifest();
    }

    @Override
    public ImageBatch denoise(ImageBatch x, double[] sigma) {
        DenoiserInputs.check(model.manifest(), x, sigma);
        NoiseConvention.Conversion[] conv = DenoiserInputs.conversions(model.manifest(), sigma);
        int n = x.count();
        int size = x.imageSize();
        float[] in = x.data();
        FloatBuffer image = OnnxModel.inputBuffer(0, n * size);
        FloatBuffer time = OnnxModel.inputBuffer(1, n);
        for (int i = 0; i < n; i++) {
            float scale = conv[i].inputScale();
            for (int j = i * size, end = j + size; j < end; j++) {
                image.put(in[j] * scale);
            }
            time.put(conv[i].time());
        }
        float[] out = model.run(new FloatBuffer[] {image, time},
                new long[][] {{n, x.channels(), x.height(), x.width()}, {n}})[0];
        float[] x0 = new float[n * size];
        for (int i = 0; i < n; i++) {
            float a = conv[i].xWeight();
            float b = conv[i].outputWeight();
            for (int j = i * size, end = j + size; j < end; j++) {
                x0[j] = a * in[j] + b * out[j];
            }
        }
        return new ImageBatch(n, x.channels(), x.height(), x.width(), x0);
    }
}
