package dev.phaseflow.app;

import java.io.PrintWriter;
import java.util.Locale;

/** A one-line progress bar on stderr: steps done, images/s and ETA. */
final class Progress {
    private final PrintWriter err;
    private final int images;
    private final int steps;
    private final boolean draw;
    private final long start = System.nanoTime();
    private long lastDraw;

    Progress(PrintWriter err, int images, int steps, boolean draw) {
        this.err = err;
        this.images = images;
        this.steps = steps;
        this.draw = draw;
    }

    void step(int done) {
        long now = System.nanoTime();
        if (!draw || (now - lastDraw < 100_000_000L && done < steps)) {
            return;
        }
        lastDraw = now;
        double seconds = (now - start) / 1e9;
        double fraction = (double) done / steps;
        double rate = images * fraction / Math.max(seconds, 1e-9);
        double eta = fraction > 0 ? seconds * (1 - fraction) / fraction : 0;
        int width = 30;
        int filled = (int) Math.round(fraction * width);
        err.printf(Locale.ROOT, "\r[%s%s] step %d/%d  %.1f images/s  ETA %.0f s ", "#".repeat(filled), " ".repeat(width - filled),
                done, steps, rate, eta);
        err.flush();
    }

    void finish() {
        if (draw) {
            err.println();
            err.flush();
        }
    }
}
