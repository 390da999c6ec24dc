package dev.phaseflow.models;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * Direct native-order float buffers for ONNX Runtime inputs, reused per thread so a model
 * call allocates no off-heap memory once warm. ONNX Runtime reads a direct buffer in place.
 */
final class DirectBuffers {
    private static final int SLOTS = 4;
    private static final ThreadLocal<FloatBuffer[]> CACHE = ThreadLocal.withInitial(() -> new FloatBuffer[SLOTS]);

    private DirectBuffers() {}

    /** A cleared buffer of exactly {@code size} floats for input slot {@code slot} on this thread. */
    static FloatBuffer get(int slot, int size) {
        FloatBuffer[] slots = CACHE.get();
        FloatBuffer buffer = slots[slot];
        if (buffer == null || buffer.capacity() < size) {
            buffer = ByteBuffer.allocateDirect(Math.max(size, 1) * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
            slots[slot] = buffer;
        }
        buffer.clear();
        buffer.limit(size);
        return buffer;
    }
}
