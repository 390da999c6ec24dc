package dev.phaseflow.app;

import dev.phaseflow.models.ModelZoo;
import dev.phaseflow.pipeline.calibration.CalibrationReport;
import dev.phaseflow.pipeline.calibration.CalibrationSummary;
import dev.phaseflow.pipeline.calibration.LocalityReport;
import dev.phaseflow.pipeline.calibration.ZooCalibration;
import dev.phaseflow.loadtest.plans.PlanSearch;
import dev.phaseflow.loadtest.plans.PlanSearchResult;
import dev.phaseflow.loadtest.plans.ZooPlanSearch;
import dev.phaseflow.reports.CalibrationFigure;
import dev.phaseflow.reports.LocalityFigure;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code phaseflow calibrate}: measure the zoo's models along sigma and write the router plan. */
@Command(name = "calibrate", mixinStandardHelpOptions = true,
        description = "Calibrate the zoo on its held-out images: x0 error of every model along sigma, local/global "
                + "disagreement, spectral and class-pair speciation, Gaussian CMI; then search router plans by the FD "
                + "of their samples and write the fastest within --max-fd-ratio to router.json, with calibration.json "
                + "and calibration.png.")
final class CalibrateCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Spec
    CommandSpec spec;

    @Option(names = "--out", description = "Output folder (default: the zoo folder, so router.json sits beside the models).")
    Path out;

    @Option(names = "--images", description = "Held-out images per sigma (default 500).")
    Integer images;

    @Option(names = "--points", description = "Log-spaced sigma points from 0.002 to 80 (default 48).")
    Integer points;

    @Option(names = "--tolerance", description = "Relative x0-error slack within which a cheaper model is chosen (default 0.05).")
    Double tolerance;

    @Option(names = "--global", description = "The plan's global model (default global-unet).")
    String global;

    @Option(names = "--local", description = "The plan's local model (default local-r4).")
    String local;

    @Option(names = "--no-search", description = "Skip the plan search: router.json takes the per-sigma error rule's plan "
            + "(the fast first pass, see --tolerance).")
    boolean noSearch;

    @Option(names = "--max-fd-ratio", defaultValue = "1.05", paramLabel = "R",
            description = "Quality budget of the plan search: the fastest plan whose FD is at most R times global-only's "
                    + "(default ${DEFAULT-VALUE}).")
    double maxFdRatio;

    @Option(names = "--search-images", defaultValue = "1000", paramLabel = "N",
            description = "Samples per candidate plan, the same seeds for every plan (default ${DEFAULT-VALUE}).")
    int searchImages;

    @Option(names = "--search-minutes", defaultValue = "18", paramLabel = "M",
            description = "Time for the whole plan search (default ${DEFAULT-VALUE}).")
    double searchMinutes;

    @Option(names = "--recheck", description = "Choose again from the last search's front without searching: its plans "
            + "within --max-fd-ratio are sampled again on the second seed set, fastest first, and the first within "
            + "budget there too goes into router.json (minutes, not the search's 20).")
    boolean recheck;

    @Option(names = "--search-solver", defaultValue = "euler", description = "Solver plans are scored with (default ${DEFAULT-VALUE}).")
    String searchSolver;

    @Option(names = "--search-steps", defaultValue = "32", description = "Karras steps plans are scored on (default ${DEFAULT-VALUE}).")
    int searchSteps;

    @Option(names = "--locality", description = "Also measure the locality profile (empirical local posteriors of radius "
            + "1..8 and the full image, needed radius, reach of local models; no training) into calibration.json "
            + "(key 'locality') and calibration.png.")
    boolean locality;

    @Option(names = "--locality-only", description = "Measure only the locality profile and write locality.json and "
            + "locality.png; router.json and the calibration files stay as they are.")
    boolean localityOnly;

    @Option(names = "--locality-images", description = "Held-out images of the locality profile (default 100).")
    Integer localityImages;

    @Option(names = "--locality-train", description = "Training images in the empirical prior (default 4096).")
    Integer localityTrain;

    @Option(names = "--locality-data", paramLabel = "DIR", description = "Training images for the prior: an IDX folder "
            + "(train-images-idx3-ubyte) or a folder of PNGs (default: the zoo's own training set, from its dataset.json; "
            + "Debian's Fashion-MNIST training split for the shipped zoo).")
    Path localityData;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        PlanSearch.Settings settings = PlanSearch.Settings.defaults().withImages(searchImages).withMaxFdRatio(maxFdRatio)
                .withTimeLimit(searchMinutes * 60);
        try (ModelZoo zoo = common.openZoo()) {
            Path target = out != null ? out : zoo.folder();
            if (localityOnly) {
                return LocalityCommand.standalone(this, zoo, target);
            }
            if (recheck) {
                err.printf(Locale.ROOT, "  rechecking the stored front: budget FD ratio <= %.3f on both seed sets%n", maxFdRatio);
                String lines = ZooPlanSearch.recheck(zoo, target, maxFdRatio, settings.checkLimit(),
                        model -> zoo.manifest(model).role() == dev.phaseflow.models.ModelRole.GLOBAL);
                spec.commandLine().getOut().print(lines);
                spec.commandLine().getOut().println("wrote router.json and calibration.json to " + target);
                return lines.contains("chosen (budget") ? 0 : 2;
            }
            CalibrationReport report = ZooCalibration.calibrate(zoo, global, local, target,
                    images == null ? OptionalInt.empty() : OptionalInt.of(images),
                    points == null ? OptionalInt.empty() : OptionalInt.of(points),
                    tolerance == null ? OptionalDouble.empty() : OptionalDouble.of(tolerance),
                    message -> err.println("  " + message));
            CalibrationFigure.write(report, target);
            spec.commandLine().getOut().print(CalibrationSummary.text(report));
            LocalityReport localityReport = locality ? LocalityCommand.into(this, zoo, report, target) : null;
            if (noSearch) {
                spec.commandLine().getOut().println("wrote router.json (per-sigma error rule), calibration.json and "
                        + "calibration.png to " + target);
                return 0;
            }
            err.printf(Locale.ROOT, "  plan search: %d images per plan, %s %d steps, budget FD ratio <= %.3f, %.0f min%n",
                    searchImages, searchSolver, searchSteps, maxFdRatio, searchMinutes);
            PlanSearchResult result = ZooPlanSearch.search(zoo, report, settings, searchSolver, searchSteps,
                    searchProgress(err, settings));
            err.println();
            ZooPlanSearch.write(target, report, result,
                    model -> zoo.manifest(model).role() == dev.phaseflow.models.ModelRole.GLOBAL, figure -> {
                if (localityReport != null) {
                    LocalityFigure.addPanels(localityReport, figure);
                }
            });
            spec.commandLine().getOut().print(result.table());
            if (result.chosen().isEmpty()) {
                throw new IllegalArgumentException(result.impossibleMessage() + " (router.json keeps the per-sigma rule's "
                        + "plan; the front is in calibration.json)");
            }
            spec.commandLine().getOut().println("wrote router.json (plan search), calibration.json and calibration.png to "
                    + target);
        }
        return 0;
    }

    /** A one-line bar over the search's time: plans scored and the fastest within budget so far. */
    private static PlanSearch.Listener searchProgress(PrintWriter err, PlanSearch.Settings settings) {
        double[] best = {0};
        return (phase, s, n, fraction) -> {
            if (s.fdRatio() <= settings.maxFdRatio()) {
                best[0] = Math.max(best[0], s.speedUp());
            }
            int filled = (int) Math.round(fraction * 30);
            err.printf(Locale.ROOT, "\r  [%s%s] %-10s %3d plans  last %.2fx FD ratio %.3f  best within budget %.2fx ",
                    "#".repeat(filled), " ".repeat(30 - filled), phase, n, s.speedUp(), s.fdRatio(), best[0]);
            err.flush();
        };
    }
}
