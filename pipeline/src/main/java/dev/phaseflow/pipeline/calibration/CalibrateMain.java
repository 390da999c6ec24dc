package dev.phaseflow.pipeline.calibration;

import dev.phaseflow.models.Denoiser;
import dev.phaseflow.models.ModelException;
import dev.phaseflow.models.ModelManifest;
import dev.phaseflow.models.ModelRole;
import dev.phaseflow.models.ModelZoo;
import dev.phaseflow.models.SessionConfig;
import dev.phaseflow.models.data.Datasets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.function.Consumer;

/**
 * Calibrates every denoiser of a zoo on the Fashion-MNIST test split and writes router.json,
 * calibration.json and calibration.png:
 *
 * <pre>
 * java ... dev.phaseflow.pipeline.calibration.CalibrateMain [--zoo DIR] [--out DIR] [--images N]
 *     [--points N] [--tolerance X] [--global NAME] [--local NAME]
 * </pre>
 *
 * --global defaults to "global-unet" when the zoo has it, else to the zoo's only global model;
 * --local likewise to "local-r4" or the only local model.
 */
public final class CalibrateMain {
    static final String DEFAULT_GLOBAL = "global-unet";
    static final String DEFAULT_LOCAL = "local-r4";
    static final Path DEFAULT_OUT = Path.of("phaseflow-out", "calibration");
    private static final String USAGE = "usage: CalibrateMain [--zoo DIR] [--out DIR] [--images N] [--points N]"
            + " [--tolerance X] [--global NAME] [--local NAME]";

    private CalibrateMain() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> options;
        try {
            options = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
            return;
        }
        Path zooFolder = options.containsKey("zoo") ? Path.of(options.get("zoo")) : ModelZoo.defaultFolder();
        Path out = options.containsKey("out") ? Path.of(options.get("out")) : DEFAULT_OUT;
        try (ModelZoo zoo = ModelZoo.open(zooFolder, SessionConfig.defaults())) {
            CalibrationReport report = calibrateZoo(zoo, options.get("global"), options.get("local"), out,
                    options.containsKey("images") ? OptionalInt.of(integer(options, "images")) : OptionalInt.empty(),
                    options.containsKey("points") ? OptionalInt.of(integer(options, "points")) : OptionalInt.empty(),
                    options.containsKey("tolerance") ? OptionalDouble.of(number(options, "tolerance")) : OptionalDouble.empty(),
                    message -> System.err.println("  " + message));
            System.out.print(CalibrationSummary.text(report));
        } catch (IllegalArgumentException | IllegalStateException | ModelException e) {
            System.err.println("calibration failed: " + e.getMessage());
            System.exit(1);
        }
    }

    /**
     * Calibrates every denoiser of a zoo on the Fashion-MNIST test split and writes the outputs to {@code out}.
     * A null global or local name picks the default (see {@link #defaultModel}).
     */
    public static CalibrationReport calibrateZoo(ModelZoo zoo, String global, String local, Path out, OptionalInt images,
                                                 OptionalInt points, OptionalDouble tolerance, Consumer<String> progress)
            throws java.io.IOException {
        String g = global != null ? global : defaultModel(zoo, ModelRole.GLOBAL, DEFAULT_GLOBAL);
        String l = local != null ? local : defaultModel(zoo, ModelRole.LOCAL, DEFAULT_LOCAL);
        Map<String, Denoiser> models = new LinkedHashMap<>();
        for (ModelManifest m : zoo.manifests()) {
            if (m.isDenoiser()) {
                models.put(m.name(), zoo.denoiser(m.name()));
            }
        }
        CalibrationConfig config = CalibrationConfig.of(models, g, l, Datasets.fashionMnistTest(zoo.folder()), out);
        if (images.isPresent()) {
            config = config.withImages(images.getAsInt());
        }
        if (points.isPresent()) {
            SigmaGrid grid = config.grid();
            config = config.withGrid(new SigmaGrid(grid.min(), grid.max(), points.getAsInt()));
        }
        if (tolerance.isPresent()) {
            config = config.withTolerance(tolerance.getAsDouble());
        }
        progress.accept("calibrating " + models.keySet() + " from " + zoo.folder() + " (global " + g + ", local " + l + ")");
        return new Calibrator(config).calibrate(progress);
    }

    /** --name value pairs; every name must be known and have a value. */
    static Map<String, String> parse(String[] args) {
        List<String> known = List.of("zoo", "out", "images", "points", "tolerance", "global", "local");
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--") || !known.contains(a.substring(2))) {
                throw new IllegalArgumentException("unknown argument '" + a + "'");
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("option '" + a + "' needs a value");
            }
            options.put(a.substring(2), args[++i]);
        }
        return options;
    }

    /** The preferred name when the zoo has it, else the zoo's only model of that role. */
    static String defaultModel(ModelZoo zoo, ModelRole role, String preferred) {
        List<String> names = zoo.byRole(role).stream().map(ModelManifest::name).toList();
        if (names.contains(preferred)) {
            return preferred;
        }
        if (names.size() == 1) {
            return names.get(0);
        }
        String option = role == ModelRole.GLOBAL ? "--global" : "--local";
        throw new IllegalArgumentException(zoo.folder() + ": " + (names.isEmpty() ? "no " + role.id() + " model"
                : "several " + role.id() + " models " + names + ", none named '" + preferred + "'")
                + "; name one with " + option);
    }

    private static int integer(Map<String, String> options, String name) {
        try {
            return Integer.parseInt(options.get(name));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("option '--" + name + "' needs a whole number, got '" + options.get(name)
                    + "'");
        }
    }

    private static double number(Map<String, String> options, String name) {
        try {
            return Double.parseDouble(options.get(name));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("option '--" + name + "' needs a number, got '" + options.get(name) + "'");
        }
    }
}
