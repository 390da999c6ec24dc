package dev.phaseflow.models;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/** PNG read and write for image batches; pixel values in [-1, 1] map to 0..255. */
public final class Png {
    private Png() {}

    public static int toByte(float v) {
        float clamped = Math.max(-1f, Math.min(1f, v));
        return Math.round((clamped + 1f) * 127.5f);
    }

    public static float fromByte(int b) {
        return b / 127.5f - 1f;
    }

    /** One image of the batch as a grey (1 channel) or RGB (3 channels) picture. */
    public static BufferedImage toImage(ImageBatch batch, int index) {
        int h = batch.height();
        int w = batch.width();
        int c = batch.channels();
        if (c != 1 && c != 3) {
            throw new IllegalArgumentException("PNG needs 1 or 3 channels, batch has " + c);
        }
        BufferedImage image = new BufferedImage(w, h, c == 1 ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                if (c == 1) {
                    image.getRaster().setSample(x, y, 0, toByte(batch.get(index, 0, y, x)));
                } else {
                    int rgb = toByte(batch.get(index, 0, y, x)) << 16 | toByte(batch.get(index, 1, y, x)) << 8
                            | toByte(batch.get(index, 2, y, x));
                    image.setRGB(x, y, rgb);
                }
            }
        }
        return image;
    }

    public static byte[] encode(ImageBatch batch, int index) {
        return encode(toImage(batch, index));
    }

    public static byte[] encode(BufferedImage image) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ImageIO.write(image, "png", out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static void write(ImageBatch batch, int index, Path file) throws IOException {
        Files.write(file, encode(batch, index));
    }

    /** All images of the batch tiled into one picture, {@code columns} per row, separated by {@code gap} pixels. */
    public static BufferedImage grid(ImageBatch batch, int columns, int gap) {
        int cols = Math.max(1, Math.min(columns, batch.count()));
        int rows = (batch.count() + cols - 1) / cols;
        int h = batch.height();
        int w = batch.width();
        BufferedImage out = new BufferedImage(cols * (w + gap) + gap, rows * (h + gap) + gap,
                batch.channels() == 1 ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_INT_RGB);
        var g = out.createGraphics();
        g.setColor(java.awt.Color.DARK_GRAY);
        g.fillRect(0, 0, out.getWidth(), out.getHeight());
        for (int i = 0; i < batch.count(); i++) {
            g.drawImage(toImage(batch, i), gap + (i % cols) * (w + gap), gap + (i / cols) * (h + gap), null);
        }
        g.dispose();
        return out;
    }

    public static void writeGrid(ImageBatch batch, int columns, Path file) throws IOException {
        Files.write(file, encode(grid(batch, columns, 2)));
    }

    /** Reads a PNG as a batch of one image with the requested channel count (1: luminance, 3: RGB). */
    public static ImageBatch read(Path file, int channels) throws IOException {
        BufferedImage image = ImageIO.read(file.toFile());
        if (image == null) {
            throw new IOException(file + ": not a readable image");
        }
        return fromImage(image, channels);
    }

    public static ImageBatch fromImage(BufferedImage image, int channels) {
        int h = image.getHeight();
        int w = image.getWidth();
        float[] data = new float[channels * h * w];
        boolean grey = image.getType() == BufferedImage.TYPE_BYTE_GRAY;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int r;
                int gr;
                int b;
                if (grey) {
                    r = gr = b = image.getRaster().getSample(x, y, 0);
                } else {
                    int rgb = image.getRGB(x, y);
                    r = rgb >> 16 & 0xff;
                    gr = rgb >> 8 & 0xff;
                    b = rgb & 0xff;
                }
                if (channels == 1) {
                    data[y * w + x] = fromByte(grey ? r : Math.round(0.299f * r + 0.587f * gr + 0.114f * b));
                } else {
                    data[y * w + x] = fromByte(r);
                    data[(h + y) * w + x] = fromByte(gr);
                    data[(2 * h + y) * w + x] = fromByte(b);
                }
            }
        }
        return new ImageBatch(1, channels, h, w, data);
    }
}
