package dev.phaseflow.models;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * A local-patch ONNX denoiser on images of any size, cut into tiles. Each tile is sent with a
 * halo of the model's receptive radius r: the noisy pixels around it (zeros beyond the image
 * border, as in training) and two coordinate channels holding every pixel's absolute position
 * normalised to the whole image (-1 at the first row or column, +1 at the last, continuing
 * linearly into the halo). The model's convolutions are unpadded, so an output pixel depends on
 * exactly its (2r+1)^2 window and tiled output equals the untiled run.
 *
 * <p>All tiles of one call go to the model as one batch. {@link #denoiseTiles} evaluates any
 * subset of tiles, so one image's tiles can be spread over several workers and stitched back.
 */
public final class TiledDenoiser implements Denoiser {
    private final OnnxModel model;
    private final int radius;
    private final int tileSize;

    /** {@code tileSize <= 0}: the whole image is one tile (the untiled run). */
    public TiledDenoiser(OnnxModel model, int tileSize) {
        ModelManifest m = model.manifest();
        if (m.role() != ModelRole.LOCAL) {
            throw new ModelException(m.manifestFile() + ": model '" + m.name() + "' has role '" + m.role().id()
                    + "'; tiling needs a local model with a receptive radius");
        }
        this.model = model;
        this.radius = m.receptiveRadius();
        this.tileSize = tileSize;
    }

    /** One tile of one image of a batch. */
    public record TileTask(int image, Tile tile) {}

    @Override
    public String name() {
        return model.name();
    }

    @Override
    public ModelRole role() {
        return ModelRole.LOCAL;
    }

    public ModelManifest manifest() {
        return model.manifest();
    }

    public int radius() {
        return radius;
    }

    public int tileSize() {
        return tileSize;
    }

    /** Every tile of every image of a batch of {@code count} images of this size. */
    public List<TileTask> tasks(int count, int height, int width) {
        List<Tile> tiles = Tile.cover(height, width, tileSize);
        List<TileTask> tasks = new ArrayList<>(count * tiles.size());
        for (int i = 0; i < count; i++) {
            for (Tile t : tiles) {
                tasks.add(new TileTask(i, t));
            }
        }
        return tasks;
    }

    @Override
    public ImageBatch denoise(ImageBatch x, double[] sigma) {
        DenoiserInputs.check(model.manifest(), x, sigma);
        List<TileTask> tasks = tasks(x.count(), x.height(), x.width());
        float[] tiles = evaluate(x, sigma, tasks);
        ImageBatch out = ImageBatch.zeros(x.count(), x.channels(), x.height(), x.width());
        stitch(out, tasks, tiles);
        return out;
    }

    /**
     * x0 of the given tiles, in one model call: {@code tasks.size()} blocks of C x th x tw values.
     * All tasks must have tiles of the same size.
     */
    public float[] denoiseTiles(ImageBatch x, double[] sigma, List<TileTask> tasks) {
        DenoiserInputs.check(model.manifest(), x, sigma);
        return evaluate(x, sigma, tasks);
    }

    /**
     * Writes tile outputs (as returned by {@link #denoiseTiles}) into their places in {@code target},
     * each tile only its owned pixels, so shards may be stitched in any order.
     */
    public static void stitch(ImageBatch target, List<TileTask> tasks, float[] tileValues) {
        int c = target.channels();
        int h = target.height();
        int w = target.width();
        float[] out = target.data();
        int offset = 0;
        for (TileTask task : tasks) {
            Tile t = task.tile();
            int ownWidth = t.width() - t.ownX();
            for (int ch = 0; ch < c; ch++) {
                for (int y = 0; y < t.height(); y++) {
                    if (y >= t.ownY()) {
                        System.arraycopy(tileValues, offset + t.ownX(), out,
                                ((task.image() * c + ch) * h + t.y() + y) * w + t.x() + t.ownX(), ownWidth);
                    }
                    offset += t.width();
                }
            }
        }
    }

    private float[] evaluate(ImageBatch x, double[] sigma, List<TileTask> tasks) {
        if (tasks.isEmpty()) {
            return new float[0];
        }
        Tile first = tasks.get(0).tile();
        int th = first.height();
        int tw = first.width();
        for (TileTask task : tasks) {
            if (task.tile().height() != th || task.tile().width() != tw) {
                throw new IllegalArgumentException("tiles of one call must share a size: " + first + " vs " + task.tile());
            }
        }
        NoiseConvention.Conversion[] conv = DenoiserInputs.conversions(model.manifest(), sigma);
        int c = x.channels();
        int ph = th + 2 * radius;
        int pw = tw + 2 * radius;
        int inputSize = (c + 2) * ph * pw;
        FloatBuffer input = OnnxModel.inputBuffer(0, tasks.size() * inputSize);
        FloatBuffer time = OnnxModel.inputBuffer(1, tasks.size());
        for (int k = 0; k < tasks.size(); k++) {
            TileTask task = tasks.get(k);
            fillPatch(input, k * inputSize, x, task, ph, pw, conv[task.image()].inputScale());
            time.put(k, conv[task.image()].time());
        }
        float[] v = model.run(new FloatBuffer[] {input, time},
                new long[][] {{tasks.size(), c + 2, ph, pw}, {tasks.size()}})[0];
        int tileSize = c * th * tw;
        float[] x0 = new float[tasks.size() * tileSize];
        float[] in = x.data();
        for (int k = 0; k < tasks.size(); k++) {
            TileTask task = tasks.get(k);
            float a = conv[task.image()].xWeight();
            float b = conv[task.image()].outputWeight();
            int o = k * tileSize;
            for (int ch = 0; ch < c; ch++) {
                for (int y = 0; y < th; y++) {
                    int src = ((task.image() * c + ch) * x.height() + task.tile().y() + y) * x.width() + task.tile().x();
                    for (int xx = 0; xx < tw; xx++, o++) {
                        x0[o] = a * in[src + xx] + b * v[o];
                    }
                }
            }
        }
        return x0;
    }

    /** The model input of one tile: scaled noisy pixels with a zero halo beyond the image, then y and x coordinates. */
    private void fillPatch(FloatBuffer input, int offset, ImageBatch x, TileTask task, int ph, int pw, float scale) {
        int c = x.channels();
        int h = x.height();
        int w = x.width();
        float[] in = x.data();
        int y0 = task.tile().y() - radius;
        int x0 = task.tile().x() - radius;
        int o = offset;
        for (int ch = 0; ch < c; ch++) {
            for (int py = 0; py < ph; py++) {
                int y = y0 + py;
                for (int px = 0; px < pw; px++, o++) {
                    int xx = x0 + px;
                    input.put(o, y >= 0 && y < h && xx >= 0 && xx < w ? in[((task.image() * c + ch) * h + y) * w + xx] * scale : 0f);
                }
            }
        }
        for (int py = 0; py < ph; py++) {
            float cy = coordinate(y0 + py, h);
            for (int px = 0; px < pw; px++, o++) {
                input.put(o, cy);
            }
        }
        for (int py = 0; py < ph; py++) {
            for (int px = 0; px < pw; px++, o++) {
                input.put(o, coordinate(x0 + px, w));
            }
        }
    }

    /** Absolute position i of an axis of the given length, -1 at the first pixel and +1 at the last. */
    static float coordinate(int i, int length) {
        return length == 1 ? 0f : (float) (-1.0 + 2.0 * i / (length - 1));
    }
}
