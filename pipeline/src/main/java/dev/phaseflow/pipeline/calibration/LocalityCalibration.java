package dev.phaseflow.pipeline.calibration;

import dev.phaseflow.models.Denoiser;
import dev.phaseflow.models.ImageBatch;
import dev.phaseflow.models.ModelManifest;
import dev.phaseflow.models.ModelRole;
import dev.phaseflow.models.ModelZoo;
import dev.phaseflow.models.data.Datasets;
import dev.phaseflow.models.data.LabelledImages;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;

/**
 * Measures the {@link LocalityProfile} of a zoo without training anything: empirical local
 * posteriors of radius 1..maxRadius and of the full image over a subset of the training images,
 * and every trained denoiser's x0 error ({@link X0Errors}), on the same held-out images with the
 * same noise.
 */
public final class LocalityCalibration {
    private LocalityCalibration() {}

    /**
     * What the locality measurement does.
     *
     * @param images           held-out images (the first ones of the held-out set)
     * @param trainingImages   training images in the prior (the first ones of the training set)
     * @param maxRadius        radii 1..maxRadius
     * @param grid             the sigma grid
     * @param tolerance        the plan's relative tolerance
     * @param seed             of the noise (the calibration's seed: the same draw as X0Errors)
     * @param threads          parallel held-out images
     * @param statisticsImages held-out images the Gaussian CMI's covariance is taken over
     */
    public record Settings(int images, int trainingImages, int maxRadius, SigmaGrid grid, double tolerance, long seed,
                           int threads, int statisticsImages) {
        public static final int DEFAULT_IMAGES = 100;
        /** Measured on Fashion-MNIST: see the README's "Phases of Fashion-MNIST" for the error against subset size. */
        public static final int DEFAULT_TRAINING_IMAGES = 4096;
        public static final int DEFAULT_MAX_RADIUS = 8;
        public static final SigmaGrid DEFAULT_GRID = new SigmaGrid(0.002, 80, 24);

        public Settings {
            if (images < 1 || trainingImages < 1 || maxRadius < 1 || threads < 1 || statisticsImages < 2) {
                throw new IllegalArgumentException("locality settings: images, training images, max radius and threads"
                        + " must be >= 1 and statistics images >= 2, got " + images + ", " + trainingImages + ", "
                        + maxRadius + ", " + threads + ", " + statisticsImages);
            }
            if (!(tolerance >= 0) || !Double.isFinite(tolerance)) {
                throw new IllegalArgumentException("locality settings: tolerance must be a finite number >= 0, got "
                        + tolerance);
            }
        }

        public static Settings defaults() {
            return new Settings(DEFAULT_IMAGES, DEFAULT_TRAINING_IMAGES, DEFAULT_MAX_RADIUS, DEFAULT_GRID,
                    CalibrationConfig.DEFAULT_TOLERANCE, CalibrationConfig.DEFAULT_SEED,
                    Runtime.getRuntime().availableProcessors(), CalibrationConfig.DEFAULT_STATISTICS_IMAGES);
        }

        public Settings withImages(int n) {
            return new Settings(n, trainingImages, maxRadius, grid, tolerance, seed, threads, statisticsImages);
        }

        public Settings withTrainingImages(int n) {
            return new Settings(images, n, maxRadius, grid, tolerance, seed, threads, statisticsImages);
        }

        public Settings withMaxRadius(int r) {
            return new Settings(images, trainingImages, r, grid, tolerance, seed, threads, statisticsImages);
        }

        public Settings withGrid(SigmaGrid g) {
            return new Settings(images, trainingImages, maxRadius, g, tolerance, seed, threads, statisticsImages);
        }

        public Settings withTolerance(double t) {
            return new Settings(images, trainingImages, maxRadius, grid, t, seed, threads, statisticsImages);
        }

        public Settings withThreads(int t) {
            return new Settings(images, trainingImages, maxRadius, grid, tolerance, seed, t, statisticsImages);
        }

        public Settings withStatisticsImages(int n) {
            return new Settings(images, trainingImages, maxRadius, grid, tolerance, seed, threads, n);
        }
    }

    /**
     * Measures the profile.
     *
     * @param models     the trained denoisers, by name (may be empty: then only the empirical posteriors)
     * @param localRadii receptive radius of each local model among them
     * @param heldout    held-out images (never the training images: the full posterior memorises them)
     * @param training   the training images; the first {@code settings.trainingImages()} form the prior
     * @param windowLo   the plan's window, for the report (NaN when unknown)
     */
    public static LocalityReport measure(Map<String, ? extends Denoiser> models, Map<String, Integer> localRadii,
                                         LabelledImages heldout, LabelledImages training, Settings settings,
                                         double windowLo, double windowHi, Consumer<String> progress) {
        long start = System.nanoTime();
        double cpuStart = processCpuSeconds();
        double[] sigmas = settings.grid().sigmas();
        ImageBatch held = heldout.images().slice(0, Math.min(settings.images(), heldout.count()));
        ImageBatch prior = training.images().slice(0, Math.min(settings.trainingImages(), training.count()));
        if (!held.sameImageShape(prior)) {
            throw new IllegalArgumentException("locality: held-out images are " + held.shapeString()
                    + ", training images " + prior.shapeString() + "; they must have the same shape");
        }

        progress.accept("Gaussian CMI Markov length at " + sigmas.length + " sigmas");
        LabelledImages statsData = heldout.head(Math.min(settings.statisticsImages(), heldout.count()));
        DataStatistics stats = DataStatistics.of(statsData.images());
        double[] gaussian = GaussianCmi.profile(stats, sigmas).markovLength();

        Map<String, double[]> modelErrors = new LinkedHashMap<>();
        if (!models.isEmpty()) {
            progress.accept("x0 errors of " + models.keySet() + " on " + held.count() + " images at " + sigmas.length
                    + " sigmas");
            String global = firstOfRole(models, ModelRole.GLOBAL);
            String local = firstOfRole(models, ModelRole.LOCAL);
            String any = models.keySet().iterator().next();
            X0Errors errors = X0Errors.measure(models, held, sigmas, global != null ? global : any,
                    local != null ? local : any, settings.seed(), CalibrationConfig.DEFAULT_BATCH);
            modelErrors.putAll(errors.mse());
        }

        int[] radii = new int[settings.maxRadius()];
        for (int r = 1; r <= radii.length; r++) {
            radii[r - 1] = r;
        }
        progress.accept("Gaussian control: patch-local errors of Gaussian data with the same covariance");
        double[][] gaussianErrors = GaussianLocality.errors(stats.covariance(), stats.channels(), stats.height(),
                stats.width(), sigmas, radii);
        int[] subsets = subsets(prior.count());
        progress.accept(String.format(Locale.ROOT, "empirical local posteriors r = 1..%d and the full image: %d held-out"
                + " images, %d training images (subsets %s), %d sigmas, %d threads", radii.length, held.count(),
                prior.count(), java.util.Arrays.toString(subsets), sigmas.length, settings.threads()));
        long posteriorStart = System.nanoTime();
        EmpiricalPosterior.Errors empirical = new EmpiricalPosterior(prior, radii).errors(held,
                noise(held.data().length, settings.seed()), sigmas, subsets, settings.threads());
        double posteriorSeconds = (System.nanoTime() - posteriorStart) / 1e9;

        Map<String, Integer> radiiOfLocals = new LinkedHashMap<>();
        localRadii.forEach((name, r) -> {
            if (modelErrors.containsKey(name)) {
                radiiOfLocals.put(name, r);
            }
        });
        LocalityProfile profile = new LocalityProfile(sigmas, radii, subsets, empirical.mse(), modelErrors,
                radiiOfLocals, settings.tolerance(), gaussian, gaussianErrors, held.count());
        double seconds = (System.nanoTime() - start) / 1e9;
        double cpu = processCpuSeconds() - cpuStart;
        progress.accept(String.format(Locale.ROOT, "locality measured in %.0f s (empirical posteriors %.0f s), %.0f CPU s",
                seconds, posteriorSeconds, cpu));
        return new LocalityReport(profile, training.source(), heldout.source(), prior.count(), settings.seed(),
                windowLo, windowHi, seconds, posteriorSeconds, cpu, settings.threads());
    }

    /**
     * The profile of every denoiser of a zoo on its held-out images (the Fashion-MNIST test split,
     * as calibration uses), local models' radii from their manifests.
     */
    public static LocalityReport forZoo(ModelZoo zoo, LabelledImages training, Settings settings, double windowLo,
                                        double windowHi, Consumer<String> progress) throws IOException {
        Map<String, Denoiser> models = new LinkedHashMap<>();
        Map<String, Integer> localRadii = new LinkedHashMap<>();
        for (ModelManifest m : zoo.manifests()) {
            if (m.isDenoiser()) {
                models.put(m.name(), zoo.denoiser(m.name()));
                if (m.role() == ModelRole.LOCAL && m.receptiveRadius() >= 0) {
                    localRadii.put(m.name(), m.receptiveRadius());
                }
            }
        }
        return measure(models, localRadii, Datasets.fashionMnistTest(zoo.folder()), training, settings, windowLo,
                windowHi, progress);
    }

    /**
     * Training images for the prior: when {@code folder} is null, the zoo's own training set
     * ({@link Datasets#training}: the source its dataset.json names, else Debian's Fashion-MNIST
     * training split); else an IDX folder ({@code train-images-idx3-ubyte[.gz]}) or a folder of PNGs.
     * PNGs come class folder by class folder, so they are shuffled (seed 0): the prior is a prefix.
     */
    public static LabelledImages trainingImages(Path folder, int channels, Path zooFolder) throws IOException {
        if (folder == null) {
            return Datasets.trainingInRandomOrder(zooFolder);
        }
        if (Files.isRegularFile(folder.resolve("train-images-idx3-ubyte.gz"))
                || Files.isRegularFile(folder.resolve("train-images-idx3-ubyte"))) {
            return Datasets.idx(folder, "train");
        }
        return Datasets.pngFolder(folder, channels).shuffled(0);
    }

    /**
     * The same noise draw as {@link X0Errors#measure}: one standard normal per value from
     * {@code new Random(seed)}, so the empirical posteriors and the models see the same noisy images.
     */
    static float[] noise(int values, long seed) {
        float[] eps = new float[values];
        Random rng = new Random(seed);
        for (int i = 0; i < values; i++) {
            eps[i] = (float) rng.nextGaussian();
        }
        return eps;
    }

    /** Prefix sizes n, n/2, n/4, ... down to 256 (at most 5), ascending: error against the prior's size. */
    static int[] subsets(int n) {
        List<Integer> sizes = new ArrayList<>();
        for (int s = n; s >= Math.min(256, n) && sizes.size() < 5; s /= 2) {
            sizes.add(0, s);
        }
        return sizes.stream().mapToInt(Integer::intValue).toArray();
    }

    private static String firstOfRole(Map<String, ? extends Denoiser> models, ModelRole role) {
        return models.entrySet().stream().filter(e -> e.getValue().role() == role).map(Map.Entry::getKey).findFirst()
                .orElse(null);
    }

    private static double processCpuSeconds() {
        java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
            return sun.getProcessCpuTime() / 1e9;
        }
        return Double.NaN;
    }
}
