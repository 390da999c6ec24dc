package dev.phaseflow.models;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.io.IOException;
import java.io.InputStream;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One ONNX Runtime session for a model of the zoo. Thread-safe: ONNX Runtime allows concurrent
 * {@code run} calls on a session. Inputs travel in direct native-order buffers; every tensor and
 * result is closed before {@link #run} returns; outputs are checked for NaN and infinity.
 * {@link #close()} waits for the calls in progress to return (a session freed under a running
 * call crashes the JVM in native code); calls after it fail with a {@link ModelException}.
 */
public final class OnnxModel implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(OnnxModel.class);

    private final ModelManifest manifest;
    private final OrtEnvironment env;
    private final OrtSession session;
    private final String[] inputNames;
    private final String[] outputNames;
    private final String device;
    /** Calls hold the read side; close takes the write side, so it waits for every call in progress. */
    private final ReadWriteLock inUse = new ReentrantReadWriteLock();
    private boolean closed;

    /** Longest close() waits for calls in progress before leaving the session to the process's exit. */
    static final long CLOSE_WAIT_SECONDS = 60;

    private OnnxModel(ModelManifest manifest, OrtEnvironment env, OrtSession session, String device) {
        this.manifest = manifest;
        this.env = env;
        this.session = session;
        this.device = device;
        this.inputNames = manifest.inputs().stream().map(ModelManifest.TensorSpec::name).toArray(String[]::new);
        this.outputNames = manifest.outputs().stream().map(ModelManifest.TensorSpec::name).toArray(String[]::new);
    }

    /** Opens the manifest's .onnx file: checks it exists, its digest, and that its inputs match the manifest. */
    public static OnnxModel open(ModelManifest manifest, SessionConfig config) {
        Path file = manifest.onnxFile();
        if (!Files.isRegularFile(file)) {
            throw new ModelException(file + ": ONNX file not found (field 'file' of " + manifest.manifestFile() + ")");
        }
        if (config.verifyDigest()) {
            String actual = sha256(file);
            if (!actual.equals(manifest.sha256())) {
                throw new ModelException(file + ": sha256 mismatch: field 'sha256' of " + manifest.manifestFile()
                        + " says " + manifest.sha256() + ", the file has " + actual);
            }
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        String device = "cpu";
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            options.setIntraOpNumThreads(config.intraOpThreads());
            options.setInterOpNumThreads(Math.max(1, config.interOpThreads()));
            // phaseflow runs several sessions side by side (global, local, gaussian, classifier): threads that
            // spin after a call would take the cores from the next session's call (measured: local-r4 2-4x slower
            // right after a global-unet call with 2 spinning threads)
            options.addConfigEntry("session.intra_op.allow_spinning", "0");
            if (config.device() == SessionConfig.Device.CUDA) {
                try {
                    options.addCUDA(config.cudaDevice());
                    device = "cuda:" + config.cudaDevice();
                } catch (OrtException | RuntimeException | LinkageError e) {
                    LOG.warn("model '{}': CUDA requested but not available ({}); running on CPU. "
                            + "Build with -Pcuda on a machine with a GPU to use it.", manifest.name(), e.getMessage());
                }
            }
            OrtSession session;
            try {
                session = env.createSession(file.toString(), options);
            } catch (OrtException e) {
                throw new ModelException(file + ": not a loadable ONNX model: " + e.getMessage(), e);
            }
            OnnxModel model = new OnnxModel(manifest, env, session, device);
            model.checkSignature();
            LOG.debug("loaded model '{}' ({}) on {}", manifest.name(), manifest.role().id(), device);
            return model;
        } catch (OrtException e) {
            throw new ModelException(file + ": cannot configure session: " + e.getMessage(), e);
        }
    }

    private void checkSignature() {
        try {
            Map<String, NodeInfo> actual = session.getInputInfo();
            for (int i = 0; i < inputNames.length; i++) {
                NodeInfo info = actual.get(inputNames[i]);
                if (info == null) {
                    close();
                    throw new ModelException(manifest.manifestFile() + ": field 'inputs[" + i + "].name' is '"
                            + inputNames[i] + "' but the ONNX graph's inputs are " + actual.keySet());
                }
                if (info.getInfo() instanceof TensorInfo t && t.getShape().length != manifest.inputs().get(i).shape().length) {
                    close();
                    throw new ModelException(manifest.manifestFile() + ": field 'inputs[" + i + "].shape' has "
                            + manifest.inputs().get(i).shape().length + " axes, the ONNX graph's '" + inputNames[i]
                            + "' has " + t.getShape().length);
                }
            }
            for (int i = 0; i < outputNames.length; i++) {
                if (!session.getOutputNames().contains(outputNames[i])) {
                    close();
                    throw new ModelException(manifest.manifestFile() + ": field 'outputs[" + i + "].name' is '"
                            + outputNames[i] + "' but the ONNX graph's outputs are " + session.getOutputNames());
                }
            }
        } catch (OrtException e) {
            throw new ModelException(manifest.onnxFile() + ": cannot read the graph's signature: " + e.getMessage(), e);
        }
    }

    public ModelManifest manifest() {
        return manifest;
    }

    public String name() {
        return manifest.name();
    }

    /** "cpu" or "cuda:N". */
    public String device() {
        return device;
    }

    /** A direct buffer to fill for input {@code slot} (reused per thread; valid until the next call on this thread). */
    public static FloatBuffer inputBuffer(int slot, int size) {
        return DirectBuffers.get(slot, size);
    }

    /**
     * Runs the model. {@code inputs[i]} (direct, filled from position 0 to its limit) has shape
     * {@code shapes[i]} and feeds the manifest's i-th input. Returns every output's values, in
     * manifest order, after checking they are finite.
     */
    public float[][] run(FloatBuffer[] inputs, long[][] shapes) {
        inUse.readLock().lock();
        try {
            if (closed) {
                throw new ModelException("model '" + name() + "' is closed (the process is shutting down)");
            }
            return runOpen(inputs, shapes);
        } finally {
            inUse.readLock().unlock();
        }
    }

    private float[][] runOpen(FloatBuffer[] inputs, long[][] shapes) {
        Map<String, OnnxTensor> feed = new LinkedHashMap<>();
        try {
            for (int i = 0; i < inputs.length; i++) {
                inputs[i].rewind();
                feed.put(inputNames[i], OnnxTensor.createTensor(env, inputs[i], shapes[i]));
            }
            float[][] outputs = new float[outputNames.length][];
            try (OrtSession.Result result = session.run(feed)) {
                for (int i = 0; i < outputNames.length; i++) {
                    OnnxTensor tensor = (OnnxTensor) result.get(outputNames[i])
                            .orElseThrow(() -> new ModelException("model '" + name() + "' returned no output"));
                    FloatBuffer values = tensor.getFloatBuffer();
                    outputs[i] = new float[values.remaining()];
                    values.get(outputs[i]);
                }
            }
            for (int i = 0; i < outputs.length; i++) {
                checkFinite(outputs[i], outputNames[i], shapes[0][0]);
            }
            return outputs;
        } catch (OrtException e) {
            throw new ModelException("model '" + name() + "': inference failed: " + e.getMessage(), e);
        } finally {
            feed.values().forEach(OnnxTensor::close);
        }
    }

    private void checkFinite(float[] values, String output, long batch) {
        for (int i = 0; i < values.length; i++) {
            if (!Float.isFinite(values[i])) {
                long perSample = Math.max(1, values.length / Math.max(1, batch));
                throw new ModelOutputException("model '" + name() + "' produced " + values[i] + " in output '" + output
                        + "' (sample " + i / perSample + " of " + batch + ")");
            }
        }
    }

    static String sha256(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                digest.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (IOException e) {
            throw new ModelException(file + ": cannot read: " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Waits for the calls in progress (up to {@link #CLOSE_WAIT_SECONDS}), then frees the session; idempotent. */
    @Override
    public void close() {
        boolean locked;
        try {
            locked = inUse.writeLock().tryLock(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            locked = false;
        }
        if (!locked) {
            // freeing it now would crash the running call; the process's exit reclaims it
            LOG.warn("model '{}': calls still running after {} s; its session is left open", name(), CLOSE_WAIT_SECONDS);
            return;
        }
        try {
            if (closed) {
                return;
            }
            closed = true;
            session.close();
        } catch (OrtException e) {
            LOG.warn("closing model '{}': {}", name(), e.getMessage());
        } finally {
            inUse.writeLock().unlock();
        }
    }
}
