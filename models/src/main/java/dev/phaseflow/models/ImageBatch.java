package dev.phaseflow.models;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Arrays;
import java.util.List;

/**
 * A batch of images as one NCHW float array. Pixel values follow the zoo's convention
 * (clean data in [-1, 1]; noisy images are unbounded). The array is owned by the batch:
 * constructors copy nothing, so callers hand over arrays they no longer mutate.
 */
@JsonAutoDetect(fieldVisibility = JsonAutoDetect.Visibility.ANY, getterVisibility = JsonAutoDetect.Visibility.NONE,
        isGetterVisibility = JsonAutoDetect.Visibility.NONE)
public final class ImageBatch {
    private final int count;
    private final int channels;
    private final int height;
    private final int width;
    private final float[] data;

    /** Also the wire form (cluster messages): the shape and the NCHW values. */
    @JsonCreator
    public ImageBatch(@JsonProperty("count") int count, @JsonProperty("channels") int channels,
                      @JsonProperty("height") int height, @JsonProperty("width") int width,
                      @JsonProperty("data") float[] data) {
        if (count < 0 || channels <= 0 || height <= 0 || width <= 0) {
            throw new IllegalArgumentException("image batch shape must be positive, got "
                    + Arrays.toString(new int[] {count, channels, height, width}));
        }
        long expected = (long) count * channels * height * width;
        if (data.length != expected) {
            throw new IllegalArgumentException("image batch data has " + data.length + " values, shape "
                    + count + "x" + channels + "x" + height + "x" + width + " needs " + expected);
        }
        this.count = count;
        this.channels = channels;
        this.height = height;
        this.width = width;
        this.data = data;
    }

    public static ImageBatch zeros(int count, int channels, int height, int width) {
        return new ImageBatch(count, channels, height, width, new float[count * channels * height * width]);
    }

    /** Concatenates batches of equal image shape along the batch axis. */
    public static ImageBatch concat(List<ImageBatch> parts) {
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("cannot concatenate an empty list of image batches");
        }
        ImageBatch first = parts.get(0);
        int total = 0;
        for (ImageBatch p : parts) {
            first.requireSameImageShape(p);
            total += p.count;
        }
        float[] out = new float[total * first.imageSize()];
        int offset = 0;
        for (ImageBatch p : parts) {
            System.arraycopy(p.data, 0, out, offset, p.data.length);
            offset += p.data.length;
        }
        return new ImageBatch(total, first.channels, first.height, first.width, out);
    }

    public int count() { return count; }
    public int channels() { return channels; }
    public int height() { return height; }
    public int width() { return width; }

    /** Values per image (C*H*W). */
    public int imageSize() { return channels * height * width; }

    /** The backing array, NCHW; shared, not copied. */
    public float[] data() { return data; }

    public float get(int n, int c, int y, int x) {
        return data[((n * channels + c) * height + y) * width + x];
    }

    /** Images [from, to) as a new batch (copied). */
    public ImageBatch slice(int from, int to) {
        if (from < 0 || to > count || from > to) {
            throw new IndexOutOfBoundsException("slice [" + from + ", " + to + ") of a batch of " + count);
        }
        int size = imageSize();
        return new ImageBatch(to - from, channels, height, width, Arrays.copyOfRange(data, from * size, to * size));
    }

    /** The images at the given indices, in that order (copied). */
    public ImageBatch select(int[] indices) {
        int size = imageSize();
        float[] out = new float[indices.length * size];
        for (int i = 0; i < indices.length; i++) {
            System.arraycopy(data, indices[i] * size, out, i * size, size);
        }
        return new ImageBatch(indices.length, channels, height, width, out);
    }

    /** One image's values, copied. */
    public float[] image(int n) {
        int size = imageSize();
        return Arrays.copyOfRange(data, n * size, (n + 1) * size);
    }

    public boolean sameImageShape(ImageBatch other) {
        return channels == other.channels && height == other.height && width == other.width;
    }

    public void requireSameImageShape(ImageBatch other) {
        if (!sameImageShape(other)) {
            throw new IllegalArgumentException("image shapes differ: " + shapeString() + " vs " + other.shapeString());
        }
    }

    /** Index of the first NaN or infinite value, or -1 when all are finite. */
    public int firstNonFinite() {
        for (int i = 0; i < data.length; i++) {
            if (!Float.isFinite(data[i])) {
                return i;
            }
        }
        return -1;
    }

    /** "NxCxHxW". */
    public String shapeString() {
        return count + "x" + channels + "x" + height + "x" + width;
    }

    @Override
    public String toString() {
        return "ImageBatch[" + shapeString() + "]";
    }
}
