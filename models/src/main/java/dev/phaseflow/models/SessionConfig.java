package dev.phaseflow.models;

/**
 * How ONNX Runtime sessions are created.
 *
 * @param device          CPU, or CUDA when available (falls back to CPU with a logged reason)
 * @param intraOpThreads  threads inside one model call; 0 lets ONNX Runtime choose (all cores)
 * @param interOpThreads  threads across independent graph nodes
 * @param cudaDevice      GPU index for CUDA
 * @param verifyDigest    check each .onnx against the manifest's sha256 before loading
 */
public record SessionConfig(Device device, int intraOpThreads, int interOpThreads, int cudaDevice, boolean verifyDigest) {

    public enum Device { CPU, CUDA }

    public SessionConfig {
        if (intraOpThreads < 0 || interOpThreads < 0) {
            throw new IllegalArgumentException("thread counts must not be negative");
        }
    }

    /** CPU, all cores inside a call. */
    public static SessionConfig defaults() {
        return new SessionConfig(Device.CPU, 0, 1, 0, true);
    }

    public SessionConfig withIntraOpThreads(int threads) {
        return new SessionConfig(device, threads, interOpThreads, cudaDevice, verifyDigest);
    }

    public SessionConfig withDevice(Device d) {
        return new SessionConfig(d, intraOpThreads, interOpThreads, cudaDevice, verifyDigest);
    }
}
