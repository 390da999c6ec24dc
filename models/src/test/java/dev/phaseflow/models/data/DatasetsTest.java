package dev.phaseflow.models.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.phaseflow.models.ImageBatch;
import dev.phaseflow.models.Png;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** PNG data folders: labels from sub-folders, a zoo's own held-out set, and bad input naming the file. */
class DatasetsTest {

    private static void png(Path file, int channels, int h, int w, float value) throws IOException {
        Files.createDirectories(file.getParent());
        float[] data = new float[channels * h * w];
        java.util.Arrays.fill(data, value);
        Png.write(new ImageBatch(1, channels, h, w, data), 0, file);
    }

    @Test
    void labelFoldersAndTheZoosHeldOutSet(@TempDir Path zoo) throws IOException {
        png(zoo.resolve("heldout/b/0.png"), 3, 32, 32, 0.5f);
        png(zoo.resolve("heldout/a/0.png"), 3, 32, 32, -1f);
        png(zoo.resolve("heldout/a/1.png"), 3, 32, 32, 1f);
        Files.writeString(zoo.resolve("dataset.json"), "{\"channels\": 3, \"height\": 32, \"width\": 32}");
        LabelledImages set = Datasets.fashionMnistTest(zoo); // any zoo with its own held-out PNGs gets those
        assertEquals(3, set.count());
        assertEquals(3, set.images().channels());
        assertEquals(32, set.images().height());
        assertEquals(java.util.List.of("a", "b"), set.classes());
        assertArrayEquals(new int[] {0, 0, 1}, set.labels().orElseThrow());
        assertEquals(1f, set.images().get(1, 2, 31, 31), 1e-6);
    }

    @Test
    void aZoosTrainingImagesComeFromTheSourceLessTheHeldOutFiles(@TempDir Path dir) throws IOException {
        Path data = dir.resolve("data");
        for (int i = 0; i < 4; i++) {
            png(data.resolve("x/" + i + ".png"), 1, 8, 8, i / 4f);
            png(data.resolve("y/" + i + ".png"), 1, 8, 8, -i / 4f);
        }
        Path zoo = Files.createDirectories(dir.resolve("zoo"));
        Files.writeString(zoo.resolve("dataset.json"), "{\"source\": \"" + data.toString().replace("\\", "/")
                + "\", \"channels\": 1, \"split\": {\"kind\": \"random\", \"heldout_files\": [\"x/1.png\", \"y/3.png\"]}}");
        LabelledImages train = Datasets.training(zoo);
        assertEquals(6, train.count());
        assertArrayEquals(new int[] {0, 0, 0, 1, 1, 1}, train.labels().orElseThrow());
        Files.writeString(zoo.resolve("dataset.json"), "{\"source\": \"" + dir.resolve("gone") + "\", \"split\": {\"kind\": \"random\"}}");
        IOException e = assertThrows(IOException.class, () -> Datasets.training(zoo));
        assertTrue(e.getMessage().contains("field 'source' names " + dir.resolve("gone")), e.getMessage());
    }

    @Test
    void mixedSizesNameTheFile(@TempDir Path dir) throws IOException {
        png(dir.resolve("a/0.png"), 1, 32, 32, 0f);
        png(dir.resolve("b/wide.png"), 1, 32, 40, 0f);
        IOException e = assertThrows(IOException.class, () -> Datasets.pngFolder(dir, 1));
        assertTrue(e.getMessage().startsWith(dir.resolve("b/wide.png") + ": image is 40x32 (W x H), but "
                + dir.resolve("a/0.png") + " is 32x32"), e.getMessage());
    }

    @Test
    void anUnreadablePngIsNamed(@TempDir Path dir) throws IOException {
        png(dir.resolve("a/0.png"), 1, 8, 8, 0f);
        Path broken = Files.writeString(dir.resolve("a/1.png"), "this is not a png");
        IOException e = assertThrows(IOException.class, () -> Datasets.pngFolder(dir, 1));
        assertTrue(e.getMessage().startsWith(broken + ": not a readable"), e.getMessage());
        byte[] real = Files.readAllBytes(dir.resolve("a/0.png"));
        Files.write(broken, java.util.Arrays.copyOf(real, 40)); // a PNG cut short
        e = assertThrows(IOException.class, () -> Datasets.pngFolder(dir, 1));
        assertTrue(e.getMessage().startsWith(broken + ": not a readable"), e.getMessage());
    }

    @Test
    void anEmptyFolderSaysWhatItExpected(@TempDir Path dir) {
        IOException e = assertThrows(IOException.class, () -> Datasets.pngFolder(dir, 1));
        assertTrue(e.getMessage().contains("no PNG files (expected"), e.getMessage());
        e = assertThrows(IOException.class, () -> Datasets.heldout(dir));
        assertTrue(e.getMessage().contains("the zoo has no held-out images"), e.getMessage());
    }
}
