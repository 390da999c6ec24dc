package dev.phaseflow.models;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.stream.Stream;

/** Test fixtures: the small ONNX models under src/test/resources/fixtures and random images. */
final class Fixtures {
    private Fixtures() {}

    static Path folder(String name) {
        try {
            return Path.of(Fixtures.class.getResource("/fixtures/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static OnnxModel open(String name) {
        return OnnxModel.open(ManifestReader.read(folder(name)), SessionConfig.defaults().withIntraOpThreads(1));
    }

    /** A copy of a fixture folder that a test may break. */
    static Path copy(String name, Path target) {
        try (Stream<Path> files = Files.list(folder(name))) {
            Files.createDirectories(target);
            for (Path f : files.toList()) {
                Files.copy(f, target.resolve(f.getFileName()));
            }
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ImageBatch gaussian(int n, int c, int h, int w, long seed, float scale) {
        Random rnd = new Random(seed);
        float[] data = new float[n * c * h * w];
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) rnd.nextGaussian() * scale;
        }
        return new ImageBatch(n, c, h, w, data);
    }

    static double maxAbsDiff(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new AssertionError("lengths differ: " + a.length + " vs " + b.length);
        }
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }
}
