package dev.phaseflow.actors;

import dev.phaseflow.models.ModelServing;
import java.time.Duration;

/**
 * How the actor engine runs.
 *
 * @param workersPerModel  workers pulling batches, per model of the plan
 * @param inferenceThreads threads of the dispatcher that runs model calls (at most this many calls at once)
 * @param maxBatch         most images per model call (local models: tiles of that many images)
 * @param maxWait          longest a partial batch waits while jobs the batcher just answered are on their way back
 *                         (Triton's max queue delay, spent only when more work is known to be coming)
 * @param maxRetries       attempts after the first for a failing unit of work, on another worker where there is one
 * @param maxInFlight      admitted requests at once; past it a request fails at once as overloaded (a backstop
 *                         behind {@code maxQueueWait})
 * @param maxQueuedImages  images of admitted requests at once; past it a request fails at once as overloaded
 * @param drainTimeout     how long close() waits for in-flight requests to finish before ending them with an error
 * @param noWorkerTimeout  how long work for a model with no worker stays queued (a worker may come back) before its
 *                         request fails with an error naming the model
 * @param requestTimeout   the default deadline of a request (a request's own {@code timeout} may be shorter);
 *                         past it the run ends with an error
 * @param maxQueueWait     admission budget: a request is refused (503) while the estimated wait for the work already
 *                         admitted, from the measured service rate of the plan's models, is above it
 */
public record EngineConfig(int workersPerModel, int inferenceThreads, int maxBatch, Duration maxWait,
                           int maxRetries, int maxInFlight, int maxQueuedImages, Duration drainTimeout,
                           Duration noWorkerTimeout, Duration requestTimeout, Duration maxQueueWait) {

    public EngineConfig {
        if (workersPerModel < 1 || inferenceThreads < 1 || maxBatch < 1 || maxRetries < 0 || maxInFlight < 1
                || maxQueuedImages < 1) {
            throw new IllegalArgumentException("engine sizes must be positive (retries non-negative): " + this);
        }
        for (Duration d : new Duration[] {maxWait, drainTimeout, noWorkerTimeout, requestTimeout, maxQueueWait}) {
            if (d == null || d.isNegative()) {
                throw new IllegalArgumentException("engine durations must be non-negative: " + this);
            }
        }
    }

    /**
     * Sized to the machine: a worker per core per model, 64-image batches, up to 2 ms of batching delay (spent only
     * while jobs the batcher just answered are on their way back, so a lone request never waits); 30 s of drain,
     * 15 s of patience for a model with no worker, a 10-minute request deadline, 30 s of admitted queue.
     */
    public static EngineConfig defaults() {
        int cores = Runtime.getRuntime().availableProcessors();
        return new EngineConfig(cores, cores, 64, Duration.ofMillis(2), 3, 256, 16_384, Duration.ofSeconds(30),
                Duration.ofSeconds(15), Duration.ofMinutes(10), Duration.ofSeconds(30));
    }

    /**
     * This config as one model runs it: its {@code serving} settings from model.json (max batch size, queue delay,
     * instance count) where it has them, this config's values elsewhere.
     */
    public EngineConfig servedAs(ModelServing serving) {
        EngineConfig c = this;
        if (serving.maxBatchSize().isPresent()) {
            c = c.withMaxBatch(serving.maxBatchSize().getAsInt());
        }
        if (serving.maxQueueDelay().isPresent()) {
            c = c.withMaxWait(serving.maxQueueDelay().get());
        }
        if (serving.instanceCount().isPresent()) {
            c = c.withWorkers(serving.instanceCount().getAsInt());
        }
        return c;
    }

    public EngineConfig withWorkers(int n) {
        return new EngineConfig(n, inferenceThreads, maxBatch, maxWait, maxRetries, maxInFlight, maxQueuedImages,
                drainTimeout, noWorkerTimeout, requestTimeout, maxQueueWait);
    }

    public EngineConfig withInferenceThreads(int n) {
        return new EngineConfig(workersPerModel, n, maxBatch, maxWait, maxRetries, maxInFlight, maxQueuedImages,
                drainTimeout, noWorkerTimeout, requestTimeout, maxQueueWait);
    }

    public EngineConfig withMaxBatch(int n) {
        return new EngineConfig(workersPerModel, inferenceThreads, n, maxWait, maxRetries, maxInFlight, maxQueuedImages,
                drainTimeout, noWorkerTimeout, requestTimeout, maxQueueWait);
    }

    public EngineConfig withMaxWait(Duration d) {
        return new EngineConfig(workersPerModel, inferenceThreads, maxBatch, d, maxRetries, maxInFlight, maxQueuedImages,
                drainTimeout, noWorkerTimeout, requestTimeout, maxQueueWait);
    }

    public EngineConfig withMaxRetries(int n) {
        return new EngineConfig(workersPerModel, inferenceThreads, maxBatch, maxWait, n, maxInFlight, maxQueuedImages,
                drainTimeout, noWorkerTimeout, requestTimeout, maxQueueWait);
    }

    public EngineConfig withAdmission(int jobs, int images) {
        return new EngineConfig(workersPerModel, inferenceThreads, maxBatch, maxWait, maxRetries, jobs, images,
                drainTimeout, noWorkerTimeout, requestTimeout, maxQueueWait);
    }

    public EngineConfig withDrainTimeout(Duration d) {
        return new EngineConfig(workersPerModel, inferenceThreads, maxBatch, maxWait, maxRetries, maxInFlight,
                maxQueuedImages, d, noWorkerTimeout, requestTimeout, maxQueueWait);
    }

    public EngineConfig withNoWorkerTimeout(Duration d) {
        return new EngineConfig(workersPerModel, inferenceThreads, maxBatch, maxWait, maxRetries, maxInFlight,
                maxQueuedImages, drainTimeout, d, requestTimeout, maxQueueWait);
    }

    public EngineConfig withRequestTimeout(Duration d) {
        return new EngineConfig(workersPerModel, inferenceThreads, maxBatch, maxWait, maxRetries, maxInFlight,
                maxQueuedImages, drainTimeout, noWorkerTimeout, d, maxQueueWait);
    }

    public EngineConfig withMaxQueueWait(Duration d) {
        return new EngineConfig(workersPerModel, inferenceThreads, maxBatch, maxWait, maxRetries, maxInFlight,
                maxQueuedImages, drainTimeout, noWorkerTimeout, requestTimeout, d);
    }
}
