package dev.phaseflow.models;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A model's own serving settings, the optional {@code serving} object of its {@code model.json}
 * (Triton's {@code max_batch_size}, {@code dynamic_batching.max_queue_delay} and
 * {@code instance_group.count}). A field left out takes the engine's global default, so a zoo
 * without any works as before. A 0.3 ms local call and a 3 ms UNet call need not share one policy.
 *
 * <pre>
 * "serving": {"max_batch_size": 64, "max_queue_delay_ms": 2, "instance_count": 2}
 * </pre>
 *
 * @param maxBatchSize    most images per call of this model
 * @param maxQueueDelay   longest a partial batch waits for jobs that are on their way back
 * @param instanceCount   workers pulling batches of this model
 */
public record ModelServing(OptionalInt maxBatchSize, Optional<Duration> maxQueueDelay, OptionalInt instanceCount) {
    public static final String FIELD = "serving";
    public static final ModelServing DEFAULTS = new ModelServing(OptionalInt.empty(), Optional.empty(), OptionalInt.empty());

    /**
     * The {@code serving} object of a manifest (missing: every default).
     *
     * @throws ModelException naming the manifest file and the field when a value is not what it must be
     */
    public static ModelServing parse(JsonNode root, Path manifestFile) {
        JsonNode node = root.get(FIELD);
        if (node == null || node.isNull()) {
            return DEFAULTS;
        }
        if (!node.isObject()) {
            throw new ModelException(manifestFile + ": field '" + FIELD + "' must be an object");
        }
        var names = node.fieldNames();
        while (names.hasNext()) {
            String n = names.next();
            if (!n.equals("max_batch_size") && !n.equals("max_queue_delay_ms") && !n.equals("instance_count")) {
                throw new ModelException(manifestFile + ": field '" + FIELD + "." + n
                        + "' is not known (max_batch_size, max_queue_delay_ms, instance_count)");
            }
        }
        OptionalInt batch = positiveInt(node, "max_batch_size", manifestFile);
        OptionalInt instances = positiveInt(node, "instance_count", manifestFile);
        Optional<Duration> delay = Optional.empty();
        JsonNode d = node.get("max_queue_delay_ms");
        if (d != null) {
            if (!d.isNumber() || d.asDouble() < 0 || !Double.isFinite(d.asDouble())) {
                throw new ModelException(manifestFile + ": field '" + FIELD + ".max_queue_delay_ms' must be a "
                        + "non-negative number of milliseconds, got " + d);
            }
            delay = Optional.of(Duration.ofNanos(Math.round(d.asDouble() * 1e6)));
        }
        return new ModelServing(batch, delay, instances);
    }

    private static OptionalInt positiveInt(JsonNode node, String field, Path manifestFile) {
        JsonNode v = node.get(field);
        if (v == null) {
            return OptionalInt.empty();
        }
        if (!v.isIntegralNumber() || v.asLong() < 1 || v.asLong() > Integer.MAX_VALUE) {
            throw new ModelException(manifestFile + ": field '" + FIELD + "." + field + "' must be a positive integer, got " + v);
        }
        return OptionalInt.of(v.asInt());
    }

    /** Whether every field is left to the engine's defaults. */
    public boolean isDefault() {
        return maxBatchSize.isEmpty() && maxQueueDelay.isEmpty() && instanceCount.isEmpty();
    }
}
