package dev.phaseflow.models;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A model repository: one folder per model, each with {@code model.json} and its .onnx file
 * (as Triton's model repository). Manifests are read and validated when the zoo opens;
 * ONNX sessions are created on first use and shared (sessions are thread-safe).
 */
public final class ModelZoo implements AutoCloseable {
    /** System property, then environment variable, naming the zoo folder. */
    public static final String ZOO_PROPERTY = "phaseflow.zoo";
    public static final String ZOO_ENV = "PHASEFLOW_ZOO";
    public static final String DEFAULT_RELATIVE = "models/zoo/fashion-mnist";

    private final Path folder;
    private final SessionConfig config;
    private final Map<String, ModelManifest> manifests;
    private final Map<String, OnnxModel> sessions = new LinkedHashMap<>();

    private ModelZoo(Path folder, SessionConfig config, Map<String, ModelManifest> manifests) {
        this.folder = folder;
        this.config = config;
        this.manifests = manifests;
    }

    public static ModelZoo open(Path folder, SessionConfig config) {
        if (!Files.isDirectory(folder)) {
            throw new ModelException(folder + ": model zoo folder not found");
        }
        Map<String, ModelManifest> manifests = new LinkedHashMap<>();
        try (Stream<Path> children = Files.list(folder)) {
            for (Path child : children.sorted().toList()) {
                if (Files.isRegularFile(child.resolve(ManifestReader.FILE_NAME))) {
                    ModelManifest m = ManifestReader.read(child);
                    ModelManifest previous = manifests.putIfAbsent(m.name(), m);
                    if (previous != null) {
                        throw new ModelException(m.manifestFile() + ": field 'name' '" + m.name()
                                + "' is already used by " + previous.manifestFile());
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (manifests.isEmpty()) {
            throw new ModelException(folder + ": no model folders (with " + ManifestReader.FILE_NAME + ") found");
        }
        return new ModelZoo(folder, config, manifests);
    }

    public static ModelZoo open(Path folder) {
        return open(folder, SessionConfig.defaults());
    }

    /**
     * The zoo folder: {@code -Dphaseflow.zoo}, else {@code $PHASEFLOW_ZOO}, else
     * {@code models/zoo/fashion-mnist} under the working directory or one of its parents.
     */
    public static Path defaultFolder() {
        String configured = System.getProperty(ZOO_PROPERTY, System.getenv(ZOO_ENV));
        if (configured != null && !configured.isBlank()) {
            return Paths.get(configured);
        }
        for (Path dir = Paths.get("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve(DEFAULT_RELATIVE))) {
                return dir.resolve(DEFAULT_RELATIVE);
            }
        }
        return Paths.get(DEFAULT_RELATIVE);
    }

    public Path folder() {
        return folder;
    }

    public SessionConfig config() {
        return config;
    }

    public List<ModelManifest> manifests() {
        return List.copyOf(manifests.values());
    }

    public ModelManifest manifest(String name) {
        ModelManifest m = manifests.get(name);
        if (m == null) {
            throw new ModelException("no model '" + name + "' in " + folder + " (have " + manifests.keySet() + ")");
        }
        return m;
    }

    public List<ModelManifest> byRole(ModelRole role) {
        List<ModelManifest> out = new ArrayList<>();
        for (ModelManifest m : manifests.values()) {
            if (m.role() == role) {
                out.add(m);
            }
        }
        return out;
    }

    /** The shared ONNX session of a model, created on first use. */
    public synchronized OnnxModel session(String name) {
        return sessions.computeIfAbsent(name, n -> OnnxModel.open(manifest(n), config));
    }

    /**
     * The model as D(x; sigma): whole-image models directly, local models tiled with
     * {@code tileSize} (<= 0: untiled). Denoisers use the zoo's shared session: close the zoo.
     */
    public Denoiser denoiser(String name, int tileSize) {
        return manifest(name).role() == ModelRole.LOCAL ? tiled(name, tileSize) : new OnnxDenoiser(session(name));
    }

    /** A local model with its tile API (for sharding tiles over workers). */
    public TiledDenoiser tiled(String name, int tileSize) {
        return new TiledDenoiser(session(name), tileSize);
    }

    public Denoiser denoiser(String name) {
        return denoiser(name, 0);
    }

    public ImageClassifier classifier() {
        List<ModelManifest> classifiers = byRole(ModelRole.CLASSIFIER);
        if (classifiers.isEmpty()) {
            throw new ModelException(folder + ": the zoo has no classifier");
        }
        return new ImageClassifier(session(classifiers.get(0).name()));
    }

    @Override
    public synchronized void close() {
        sessions.values().forEach(OnnxModel::close);
        sessions.clear();
    }
}
