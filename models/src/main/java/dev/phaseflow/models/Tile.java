package dev.phaseflow.models;

import java.util.ArrayList;
import java.util.List;

/** A rectangle of an image, the unit of work of a local-patch model. */
public record Tile(int y, int x, int height, int width) {

    /**
     * Covers an image with tiles of one size ({@code size} by {@code size}, or the image where it is
     * smaller; {@code size <= 0} means one tile). Same-size tiles batch into one model call, so the
     * last tile of a row or column is shifted back to end at the border and overlaps its neighbour;
     * overlapping pixels are computed identically in both tiles.
     */
    public static List<Tile> cover(int height, int width, int size) {
        int th = size <= 0 ? height : Math.min(size, height);
        int tw = size <= 0 ? width : Math.min(size, width);
        List<Tile> tiles = new ArrayList<>();
        for (int y : starts(height, th)) {
            for (int x : starts(width, tw)) {
                tiles.add(new Tile(y, x, th, tw));
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
