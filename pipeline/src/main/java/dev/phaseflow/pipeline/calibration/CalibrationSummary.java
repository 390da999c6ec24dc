package dev.phaseflow.pipeline.calibration;

import java.util.Comparator;
import java.util.Locale;
import java.util.Map;

/** A calibration report as readable text for the console. */
public final class CalibrationSummary {
    /** The sigmas of the error table (each shown at the nearest grid point). */
    static final double[] TABLE_SIGMAS = {0.01, 0.05, 0.2, 0.5, 1, 2, 5, 10, 30, 80};

    private CalibrationSummary() {}

    public static String text(CalibrationReport r) {
        StringBuilder b = new StringBuilder();
        line(b, "data            %s (%d images for statistics, %d for x0 errors)", r.dataset(), r.statisticsImages(),
                r.images());
        line(b, "sigma_s         %.4g  (Lambda_max %.4g)", r.spectralSigma(), r.topEigenvalue());
        double[] range = r.classSigmaRange();
        if (range.length == 2) {
            ClassPairSpeciation lo = r.classPairs().stream().filter(ClassPairSpeciation::speciates)
                    .min(Comparator.comparingDouble(ClassPairSpeciation::sigmaC)).orElseThrow();
            ClassPairSpeciation hi = r.classPairs().stream().filter(ClassPairSpeciation::speciates)
                    .max(Comparator.comparingDouble(ClassPairSpeciation::sigmaC)).orElseThrow();
            long none = r.classPairs().stream().filter(p -> !p.speciates()).count();
            line(b, "class sigma_c   %.4g (%s / %s) .. %.4g (%s / %s); %d of %d pairs never separate", range[0],
                    lo.nameA(), lo.nameB(), range[1], hi.nameA(), hi.nameB(), none, r.classPairs().size());
        } else {
            line(b, "class sigma_c   none (%s)", r.classPairs().isEmpty() ? "no labels" : "no pair separates");
        }
        line(b, "window          [%.4g, %.4g] from %s", r.plan().windowLo(), r.plan().windowHi(),
                r.plan().windowSource().id());
        line(b, "%s       global share %.1f%% (%d of %d steps), speed-up over global-only %.2fx", r.schedule().schedule(),
                100 * r.schedule().globalShare(), r.schedule().globalSteps(), r.schedule().steps(),
                r.schedule().speedUp());
        b.append("cost per image  ");
        r.costs().secondsPerImage().forEach((m, c) -> b.append(String.format(Locale.ROOT, "%s %.3g ms  ", m, c * 1e3)));
        b.append(r.costs().measured() ? "(measured)" : "(given)").append('\n');
        b.append("plan            ");
        r.plan().intervals().forEach(i -> b.append("[" + bound(i.lo()) + ", " + bound(i.hi()) + ") " + i.model() + "  "));
        b.append('\n');

        double[] grid = r.grid();
        b.append(String.format(Locale.ROOT, "%n%9s", "sigma"));
        for (String m : r.errors().mse().keySet()) {
            b.append(String.format(Locale.ROOT, " %14s", m));
        }
        b.append(String.format(Locale.ROOT, " %8s %9s  %s%n", "Delta", "CMI r=1", "chosen"));
        int previous = -1;
        for (double target : TABLE_SIGMAS) {
            int k = nearest(grid, target);
            if (k == previous) {
                continue;
            }
            previous = k;
            b.append(String.format(Locale.ROOT, "%9.4g", grid[k]));
            for (Map.Entry<String, double[]> e : r.errors().mse().entrySet()) {
                b.append(String.format(Locale.ROOT, " %14.5g", e.getValue()[k]));
            }
            b.append(String.format(Locale.ROOT, " %8.3f %9.3g  %s%n", r.delta()[k], r.cmi().cmi()[k][0],
                    r.plan().chosen()[k]));
        }
        return b.toString();
    }

    private static String bound(double sigma) {
        return sigma == 0 ? "0" : Double.isInfinite(sigma) ? "inf" : String.format(Locale.ROOT, "%.3g", sigma);
    }

    private static int nearest(double[] grid, double sigma) {
        int best = 0;
        for (int k = 1; k < grid.length; k++) {
            if (Math.abs(Math.log(grid[k] / sigma)) < Math.abs(Math.log(grid[best] / sigma))) {
                best = k;
            }
        }
        return best;
    }

    private static void line(StringBuilder b, String format, Object... args) {
        b.append(String.format(Locale.ROOT, format, args)).append('\n');
    }
}
