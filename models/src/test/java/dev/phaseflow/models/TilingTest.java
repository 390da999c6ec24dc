package dev.phaseflow.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Tiled local denoising equals the untiled run (coordinate channels included) within 1e-5. */
class TilingTest {
    private static final double[] SIGMAS = {0.05, 0.9, 12.0};

    static void assertTilingExact(OnnxModel model, int channels, int h, int w, int tile) {
        TiledDenoiser untiled = new TiledDenoiser(model, 0);
        TiledDenoiser tiled = new TiledDenoiser(model, tile);
        ImageBatch x = Fixtures.gaussian(SIGMAS.length, channels, h, w, h * 31L + w, 1.5f);
        ImageBatch a = untiled.denoise(x, SIGMAS);
        ImageBatch b = tiled.denoise(x, SIGMAS);
        double diff = Fixtures.maxAbsDiff(a.data(), b.data());
        assertTrue(diff <= 1e-5, model.name() + " " + h + "x" + w + " tile " + tile + ": max abs diff " + diff);
    }

    @ParameterizedTest(name = "{0} {1}x{2} tile {3}")
    @CsvSource({
        "local-grey-r3, 1, 28, 28, 8", "local-grey-r3, 1, 64, 64, 16", "local-grey-r3, 1, 45, 37, 13",
        "local-grey-r3, 1, 45, 37, 7", "local-grey-r3, 1, 5, 3, 4",
        "local-rgb-r2, 3, 28, 28, 10", "local-rgb-r2, 3, 64, 64, 16", "local-rgb-r2, 3, 45, 37, 16",
        // the 3x32x32 fixture zoo's local model (make_size_fixtures.py): at its size, and at 64x64
        "zoo-rgb32/local-tiny, 3, 32, 32, 8", "zoo-rgb32/local-tiny, 3, 32, 32, 12", "zoo-rgb32/local-tiny, 3, 32, 32, 16",
        "zoo-rgb32/local-tiny, 3, 64, 64, 16", "zoo-rgb32/local-tiny, 3, 64, 64, 24"})
    void fixtureModelsTileExactly(String fixture, int channels, int h, int w, int tile) {
        try (OnnxModel model = Fixtures.open(fixture)) {
            assertTilingExact(model, channels, h, w, tile);
        }
    }

    @ParameterizedTest(name = "zoo local-r4 {0}x{1} tile {2}")
    @CsvSource({"28, 28, 14", "28, 28, 8", "64, 64, 16", "64, 64, 28", "45, 37, 16", "45, 37, 9"})
    void zooLocalModelTilesExactly(int h, int w, int tile) {
        try (ModelZoo zoo = ModelZoo.open(ModelZoo.defaultFolder(), SessionConfig.defaults().withIntraOpThreads(1))) {
            assertTilingExact(zoo.session("local-r4"), 1, h, w, tile);
        }
    }

    /** The second shipped zoo's local model at its own size (1x32x32) and at 64x64. */
    @ParameterizedTest(name = "letters-32 local-r4 {0}x{1} tile {2}")
    @CsvSource({"32, 32, 16", "32, 32, 12", "64, 64, 16"})
    void lettersLocalModelTilesExactly(int h, int w, int tile) {
        try (ModelZoo zoo = ModelZoo.open(ModelZoo.defaultFolder().resolveSibling("letters-32"),
                SessionConfig.defaults().withIntraOpThreads(1))) {
            assertTilingExact(zoo.session("local-r4"), 1, h, w, tile);
        }
    }

    @Test
    void tilesOfOneSizeCoverTheImage() {
        List<Tile> tiles = Tile.cover(45, 37, 16);
        assertEquals(9, tiles.size());
        int[] covered = new int[45 * 37];
        int[] owned = new int[45 * 37];
        for (Tile t : tiles) {
            assertEquals(16, t.height());
            assertEquals(16, t.width());
            for (int y = t.y(); y < t.y() + t.height(); y++) {
                for (int x = t.x(); x < t.x() + t.width(); x++) {
                    covered[y * 37 + x]++;
                    if (y - t.y() >= t.ownY() && x - t.x() >= t.ownX()) {
                        owned[y * 37 + x]++;
                    }
                }
            }
        }
        for (int i = 0; i < covered.length; i++) {
            assertTrue(covered[i] >= 1);
            assertEquals(1, owned[i], "every pixel has exactly one owner tile");
        }
        assertEquals(List.of(new Tile(0, 0, 5, 3)), Tile.cover(5, 3, 8));
        assertEquals(List.of(new Tile(0, 0, 1, 16), new Tile(0, 12, 1, 16, 0, 4)), Tile.cover(1, 28, 16));
        assertEquals(List.of(new Tile(0, 0, 28, 28)), Tile.cover(28, 28, 0));
    }

    @Test
    void shardedTilesStitchToTheWholeImage() {
        try (OnnxModel model = Fixtures.open("local-grey-r3")) {
            TiledDenoiser tiled = new TiledDenoiser(model, 10);
            ImageBatch x = Fixtures.gaussian(2, 1, 28, 28, 5, 1f);
            double[] sigma = {0.3, 4.0};
            List<TiledDenoiser.TileTask> tasks = tiled.tasks(2, 28, 28);
            // evaluate the tiles in three shards, as separate workers would, then stitch in reverse order
            ImageBatch out = ImageBatch.zeros(2, 1, 28, 28);
            int shard = (tasks.size() + 2) / 3;
            for (int from = (tasks.size() - 1) / shard * shard; from >= 0; from -= shard) {
                List<TiledDenoiser.TileTask> part = new ArrayList<>(tasks.subList(from, Math.min(tasks.size(), from + shard)));
                TiledDenoiser.stitch(out, part, tiled.denoiseTiles(x, sigma, part));
            }
            assertTrue(Fixtures.maxAbsDiff(tiled.denoise(x, sigma).data(), out.data()) == 0.0);
        }
    }

    @Test
    void coordinatesSpanMinusOneToOne() {
        assertEquals(-1f, TiledDenoiser.coordinate(0, 28));
        assertEquals(1f, TiledDenoiser.coordinate(27, 28));
        assertEquals(-1f - 2f / 27 * 4, TiledDenoiser.coordinate(-4, 28), 1e-6);
        assertEquals(0f, TiledDenoiser.coordinate(0, 1));
    }
}
