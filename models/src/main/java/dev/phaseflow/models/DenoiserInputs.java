package dev.phaseflow.models;

/** Checks shared by the ONNX denoisers: every failure names the model and what was wrong. */
final class DenoiserInputs {
    private DenoiserInputs() {}

    static void check(ModelManifest m, ImageBatch x, double[] sigma) {
        if (sigma.length != x.count()) {
            throw new InvalidInputException("model '" + m.name() + "': " + sigma.length + " sigma values for "
                    + x.count() + " images");
        }
        if (x.channels() != m.image().channels()) {
            throw new InvalidInputException("model '" + m.name() + "' takes " + m.image().channels()
                    + " channel(s), got images of shape " + x.shapeString());
        }
        if (!m.anyImageSize() && (x.height() != m.image().height() || x.width() != m.image().width())) {
            throw new InvalidInputException("model '" + m.name() + "' takes " + m.image().height() + "x"
                    + m.image().width() + " images only, got " + x.height() + "x" + x.width());
        }
        for (int i = 0; i < sigma.length; i++) {
            if (!(sigma[i] > 0) || !Double.isFinite(sigma[i])) {
                throw new InvalidInputException("model '" + m.name() + "': sigma of image " + i
                        + " must be positive and finite, got " + sigma[i]);
            }
        }
        int bad = x.firstNonFinite();
        if (bad >= 0) {
            throw new InvalidInputException("model '" + m.name() + "': input image " + bad / x.imageSize()
                    + " contains " + x.data()[bad] + " (index " + bad % x.imageSize() + ")");
        }
    }

    static NoiseConvention.Conversion[] conversions(ModelManifest m, double[] sigma) {
        NoiseConvention noise = m.noise().orElseThrow();
        Parameterisation p = m.parameterisation().orElseThrow();
        NoiseConvention.Conversion[] out = new NoiseConvention.Conversion[sigma.length];
        for (int i = 0; i < sigma.length; i++) {
            out[i] = noise.conversion(p, sigma[i]);
        }
        return out;
    }
}
