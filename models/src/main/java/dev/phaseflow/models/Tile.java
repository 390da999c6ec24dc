package dev.phaseflow.models;

import java.util.ArrayList;
import java.util.List;

/**
 * A rectangle of an image, the unit of work of a local-patch model. Tiles of one cover may
 * overlap; each pixel is owned by exactly one tile (from {@code ownY}, {@code ownX} to the tile's
 * end), and stitching writes owned pixels only, so the result never depends on the order in
 * which tiles finish.
 */
public record Tile(int y, int x, int height, int width, int ownY, int ownX) {

    public Tile(int y, int x, int height, int width) {
        this(y, x, height, width, 0, 0);
    }

    /**
     * Covers an image with tiles of one size ({@code size} by {@code size}, or the image where it is
     * smaller; {@code size <= 0} means one tile). Same-size tiles batch into one model call, so the
     * last tile of a row or column is shifted back to end at the border and overlaps its neighbour;
     * overlapping pixels are computed identically in both tiles.
     */
    public static List<Tile> cover(int height, int width, int size) {
        int th = size <= 0 ? height : Math.min(size, height);
        int tw = size <= 0 ? width : Math.min(size, width);
        List<Integer> ys = starts(height, th);
        List<Integer> xs = starts(width, tw);
        List<Tile> tiles = new ArrayList<>();
        for (int i = 0; i < ys.size(); i++) {
            for (int j = 0; j < xs.size(); j++) {
                // a shifted last tile owns only what its predecessor does not cover
                int ownY = i == 0 ? 0 : Math.max(0, ys.get(i - 1) + th - ys.get(i));
                int ownX = j == 0 ? 0 : Math.max(0, xs.get(j - 1) + tw - xs.get(j));
                tiles.add(new Tile(ys.get(i), xs.get(j), th, tw, ownY, ownX));
            }
        }
        return List.copyOf(tiles);
    }

    private static List<Integer> starts(int length, int tile) {
        List<Integer> out = new ArrayList<>();
        for (int s = 0; s < length; s += tile) {
            out.add(Math.min(s, length - tile));
        }
        return out;
    }
}
