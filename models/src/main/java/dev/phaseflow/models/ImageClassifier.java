package dev.phaseflow.models;

import java.nio.FloatBuffer;

/** The zoo's classifier: class logits and penultimate-layer features for quality metrics. */
public final class ImageClassifier {
    private final OnnxModel model;

    /** Logits (N x classes) and features (N x dimension), row-major. */
    public record Output(int count, int classes, float[] logits, int dimension, float[] features) {
        public int predicted(int i) {
            int best = 0;
            for (int k = 1; k < classes; k++) {
                if (logits[i * classes + k] > logits[i * classes + best]) {
                    best = k;
                }
            }
            return best;
        }

        public int[] predicted() {
            int[] out = new int[count];
            for (int i = 0; i < count; i++) {
                out[i] = predicted(i);
            }
            return out;
        }
    }

    public ImageClassifier(OnnxModel model) {
        if (model.manifest().role() != ModelRole.CLASSIFIER) {
            throw new ModelException(model.manifest().manifestFile() + ": model '" + model.name() + "' is not a classifier");
        }
        this.model = model;
    }

    public ModelManifest manifest() {
        return model.manifest();
    }

    public String className(int index) {
        return model.manifest().classes().get(index);
    }

    /** Classifies images in [-1, 1] of the manifest's shape, in chunks of at most 256. */
    public Output classify(ImageBatch x) {
        ModelManifest m = model.manifest();
        if (x.channels() != m.image().channels() || x.height() != m.image().height() || x.width() != m.image().width()) {
            throw new InvalidInputException("classifier '" + m.name() + "' takes " + m.image() + " images, got "
                    + x.shapeString());
        }
        int bad = x.firstNonFinite();
        if (bad >= 0) {
            throw new InvalidInputException("classifier '" + m.name() + "': input image " + bad / x.imageSize()
                    + " contains " + x.data()[bad]);
        }
        int classes = (int) m.outputs().get(0).shape()[1];
        int dim = (int) m.outputs().get(1).shape()[1];
        float[] logits = new float[x.count() * classes];
        float[] features = new float[x.count() * dim];
        int size = x.imageSize();
        for (int from = 0; from < x.count(); from += 256) {
            int n = Math.min(256, x.count() - from);
            FloatBuffer in = OnnxModel.inputBuffer(0, n * size);
            in.put(x.data(), from * size, n * size);
            float[][] out = model.run(new FloatBuffer[] {in},
                    new long[][] {{n, x.channels(), x.height(), x.width()}});
            System.arraycopy(out[0], 0, logits, from * classes, n * classes);
            System.arraycopy(out[1], 0, features, from * dim, n * dim);
        }
        return new Output(x.count(), classes, logits, dim, features);
    }
}
