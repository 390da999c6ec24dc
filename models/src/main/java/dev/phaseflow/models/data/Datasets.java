package dev.phaseflow.models.data;

import dev.phaseflow.models.ImageBatch;
import dev.phaseflow.models.Png;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/** Loaders for the data sets phaseflow calibrates and measures against. */
public final class Datasets {
    /** Where Debian's dataset-fashion-mnist package puts the files. */
    public static final Path DEBIAN_FASHION_MNIST = Paths.get("/usr/share/datasets/fashion-mnist");
    /** The held-out subset shipped with the zoo (the first 2000 test images), relative to the zoo folder. */
    public static final String SHIPPED_HELDOUT = "heldout";
    /** What train_zoo.py records about a zoo's data set and split. */
    public static final String ZOO_DATASET = "dataset.json";
    public static final List<String> FASHION_MNIST_CLASSES = List.of("T-shirt/top", "Trouser", "Pullover", "Dress",
            "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

    private Datasets() {}

    /**
     * The zoo's own held-out PNGs when it has them ({@link #heldout}, any zoo made by train_zoo.py); else
     * the Fashion-MNIST test split: the full 10,000 images from Debian's package when installed,
     * else the subset shipped in {@code zoo/heldout}.
     */
    public static LabelledImages fashionMnistTest(Path zooFolder) throws IOException {
        if (hasOwnHeldout(zooFolder)) {
            return heldout(zooFolder);
        }
        if (Files.isRegularFile(DEBIAN_FASHION_MNIST.resolve("t10k-images-idx3-ubyte.gz"))) {
            return idx(DEBIAN_FASHION_MNIST, "t10k");
        }
        return idx(zooFolder.resolve(SHIPPED_HELDOUT), "t10k");
    }

    /**
     * A zoo's held-out images: {@code <zoo>/heldout} as PNGs (label folders, as train_zoo.py writes them;
     * channels from {@code <zoo>/dataset.json}) or as IDX {@code t10k-*} files (the Fashion-MNIST zoo).
     */
    public static LabelledImages heldout(Path zooFolder) throws IOException {
        Path folder = zooFolder.resolve(SHIPPED_HELDOUT);
        if (existing(folder, "t10k-images-idx3-ubyte") != null) {
            return idx(folder, "t10k");
        }
        if (!Files.isDirectory(folder)) {
            throw new IOException(folder + ": the zoo has no held-out images (train_zoo.py writes them)");
        }
        return pngFolder(folder, zooChannels(zooFolder));
    }

    /** Whether the zoo brings PNG held-out images of its own (any zoo trained by train_zoo.py). */
    static boolean hasOwnHeldout(Path zooFolder) {
        return Files.isRegularFile(zooFolder.resolve(ZOO_DATASET)) && Files.isDirectory(zooFolder.resolve(SHIPPED_HELDOUT));
    }

    private static int zooChannels(Path zooFolder) throws IOException {
        Path meta = zooFolder.resolve(ZOO_DATASET);
        if (!Files.isRegularFile(meta)) {
            return 1;
        }
        com.fasterxml.jackson.databind.JsonNode channels = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(meta.toFile()).path("channels");
        if (!channels.isInt() || (channels.asInt() != 1 && channels.asInt() != 3)) {
            throw new IOException(meta + ": field 'channels' must be 1 or 3, got " + channels);
        }
        return channels.asInt();
    }

    /**
     * {@link #training} in a seeded random order (seed 0) for a zoo with a dataset.json, whose PNG
     * folders are read class by class, so that a prefix is not a few classes; Fashion-MNIST's IDX
     * split is already in random order and stays as it is.
     */
    public static LabelledImages trainingInRandomOrder(Path zooFolder) throws IOException {
        LabelledImages own = training(zooFolder);
        return Files.isRegularFile(zooFolder.resolve(ZOO_DATASET)) ? own.shuffled(0) : own;
    }

    /**
     * A zoo's training images: for a zoo made by train_zoo.py, read again from the source its
     * {@code dataset.json} names (the train/ folder, the folder less its held-out files, or the IDX train
     * files); else Fashion-MNIST's training split.
     */
    public static LabelledImages training(Path zooFolder) throws IOException {
        Path meta = zooFolder.resolve(ZOO_DATASET);
        if (!Files.isRegularFile(meta)) {
            return fashionMnistTrain();
        }
        com.fasterxml.jackson.databind.JsonNode root = new com.fasterxml.jackson.databind.ObjectMapper().readTree(meta.toFile());
        Path source = Paths.get(root.path("source").asText());
        String kind = root.path("split").path("kind").asText();
        if (!Files.isDirectory(source)) {
            throw new IOException(meta + ": field 'source' names " + source + ", which is not a folder here");
        }
        return switch (kind) {
            case "files" -> idx(source, "train");
            case "folders" -> pngFolder(source.resolve("train"), zooChannels(zooFolder));
            case "random" -> {
                java.util.Set<Path> heldOut = new java.util.HashSet<>();
                root.path("split").path("heldout_files").forEach(f -> heldOut.add(source.resolve(f.asText())));
                yield pngFolder(source, zooChannels(zooFolder), p -> !heldOut.contains(p));
            }
            default -> throw new IOException(meta + ": field 'split.kind' must be files, folders or random, got '" + kind + "'");
        };
    }

    /** The training split (needs Debian's package). */
    public static LabelledImages fashionMnistTrain() throws IOException {
        return idx(DEBIAN_FASHION_MNIST, "train");
    }

    /** {@code <prefix>-images-idx3-ubyte[.gz]} and, if present, {@code <prefix>-labels-idx1-ubyte[.gz]}. */
    public static LabelledImages idx(Path folder, String prefix) throws IOException {
        Path images = existing(folder, prefix + "-images-idx3-ubyte");
        if (images == null) {
            throw new IOException(folder + ": no " + prefix + "-images-idx3-ubyte(.gz) (install Debian's dataset-fashion-mnist)");
        }
        ImageBatch batch;
        try (DataInputStream in = open(images)) {
            int magic = in.readInt();
            if (magic != 0x00000803) {
                throw new IOException(images + ": not an IDX image file (magic " + Integer.toHexString(magic) + ")");
            }
            int n = in.readInt();
            int h = in.readInt();
            int w = in.readInt();
            byte[] raw = in.readNBytes(n * h * w);
            if (raw.length != n * h * w) {
                throw new IOException(images + ": truncated (" + raw.length + " of " + n * h * w + " bytes)");
            }
            float[] data = new float[raw.length];
            for (int i = 0; i < raw.length; i++) {
                data[i] = Png.fromByte(raw[i] & 0xff);
            }
            batch = new ImageBatch(n, 1, h, w, data);
        }
        Path labelFile = existing(folder, prefix + "-labels-idx1-ubyte");
        Optional<int[]> labels = Optional.empty();
        if (labelFile != null) {
            try (DataInputStream in = open(labelFile)) {
                if (in.readInt() != 0x00000801) {
                    throw new IOException(labelFile + ": not an IDX label file");
                }
                int n = in.readInt();
                byte[] raw = in.readNBytes(n);
                int[] l = new int[Math.min(n, batch.count())];
                for (int i = 0; i < l.length; i++) {
                    l[i] = raw[i] & 0xff;
                }
                labels = Optional.of(l);
            }
        }
        return new LabelledImages(batch, labels, labels.isPresent() ? FASHION_MNIST_CLASSES : List.of(),
                images.toString());
    }

    /**
     * A folder of PNGs: {@code folder/<class>/*.png} gives labels by sub-folder (sorted names),
     * PNGs directly in the folder are unlabelled. All images must share one size.
     */
    public static LabelledImages pngFolder(Path folder, int channels) throws IOException {
        return pngFolder(folder, channels, p -> true);
    }

    /** {@link #pngFolder(Path, int)} with only the files {@code keep} accepts. */
    public static LabelledImages pngFolder(Path folder, int channels, java.util.function.Predicate<Path> keep) throws IOException {
        List<Path> classDirs;
        try (Stream<Path> s = Files.list(folder)) {
            classDirs = s.filter(Files::isDirectory).sorted().toList();
        }
        List<ImageBatch> images = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        List<String> classes = new ArrayList<>();
        List<Path> files = new ArrayList<>();
        if (classDirs.isEmpty()) {
            files.addAll(pngs(folder).stream().filter(keep).toList());
        } else {
            for (Path dir : classDirs) {
                classes.add(dir.getFileName().toString());
                for (Path p : pngs(dir)) {
                    if (!keep.test(p)) {
                        continue;
                    }
                    files.add(p);
                    labels.add(classes.size() - 1);
                }
            }
        }
        if (files.isEmpty()) {
            throw new IOException(folder + ": no PNG files (expected " + folder + "/<label>/*.png or " + folder + "/*.png)");
        }
        for (Path p : files) {
            ImageBatch b = readPng(p, channels);
            if (!images.isEmpty() && !b.sameImageShape(images.get(0))) {
                throw new IOException(p + ": image is " + b.width() + "x" + b.height() + " (W x H), but " + files.get(0)
                        + " is " + images.get(0).width() + "x" + images.get(0).height()
                        + "; all images of a data set must share one size");
            }
            images.add(b);
        }
        Optional<int[]> l = classDirs.isEmpty() ? Optional.empty()
                : Optional.of(labels.stream().mapToInt(Integer::intValue).toArray());
        return new LabelledImages(ImageBatch.concat(images), l, List.copyOf(classes), folder.toString());
    }

    private static ImageBatch readPng(Path file, int channels) throws IOException {
        try {
            return Png.read(file, channels);
        } catch (IOException | RuntimeException e) {
            if (e.getMessage() != null && e.getMessage().startsWith(file.toString())) {
                throw e;
            }
            throw new IOException(file + ": not a readable PNG (" + e.getMessage() + ")", e);
        }
    }

    private static List<Path> pngs(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(".png")).sorted().toList();
        }
    }

    private static Path existing(Path folder, String base) {
        for (String name : new String[] {base + ".gz", base}) {
            if (Files.isRegularFile(folder.resolve(name))) {
                return folder.resolve(name);
            }
        }
        return null;
    }

    private static DataInputStream open(Path file) throws IOException {
        InputStream in = Files.newInputStream(file);
        return new DataInputStream(file.toString().endsWith(".gz") ? new GZIPInputStream(in, 1 << 16) : in);
    }
}
