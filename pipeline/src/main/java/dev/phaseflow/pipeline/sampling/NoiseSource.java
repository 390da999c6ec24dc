package dev.phaseflow.pipeline.sampling;

/**
 * Counter-based Gaussian noise (Philox4x32-10, Salmon et al. 2011): the noise of a sample is a
 * pure function of (seed, sample index, stream, position), so it never depends on batching,
 * order, thread or node. Stream 0 is a sample's initial noise; stream k + 1 the noise a
 * stochastic solver adds at step k.
 */
public final class NoiseSource {
    private static final int M0 = 0xD2511F53;
    private static final int M1 = 0xCD9E8D57;
    private static final int W0 = 0x9E3779B9;
    private static final int W1 = 0xBB67AE85;
    private static final double TWO_PI = 2 * Math.PI;
    private static final double INV_2_32 = 1.0 / 4294967296.0;

    private final long seed;

    public NoiseSource(long seed) {
        this.seed = seed;
    }

    public long seed() {
        return seed;
    }

    /** {@code length} standard normal values of one sample's stream. */
    public float[] gaussian(long sample, int stream, int length) {
        float[] out = new float[length];
        int[] block = new int[4];
        for (int i = 0; i < length; i += 4) {
            philox(i >>> 2, sample, stream, block);
            // Box-Muller on two pairs; StrictMath keeps the values identical on every JVM and CPU
            for (int pair = 0; pair < 2 && i + 2 * pair < length; pair++) {
                double u1 = ((block[2 * pair] & 0xffffffffL) + 1.0) * INV_2_32; // (0, 1]
                double u2 = (block[2 * pair + 1] & 0xffffffffL) * INV_2_32;     // [0, 1)
                double radius = StrictMath.sqrt(-2.0 * StrictMath.log(u1));
                out[i + 2 * pair] = (float) (radius * StrictMath.cos(TWO_PI * u2));
                if (i + 2 * pair + 1 < length) {
                    out[i + 2 * pair + 1] = (float) (radius * StrictMath.sin(TWO_PI * u2));
                }
            }
        }
        return out;
    }

    /** Philox4x32-10 of the counter (block, sample, stream) under the key seed. */
    private void philox(long blockIndex, long sample, int stream, int[] out) {
        int c0 = (int) blockIndex;
        int c1 = (int) (sample >>> 32) ^ (int) (blockIndex >>> 32);
        int c2 = (int) sample;
        int c3 = stream;
        int k0 = (int) seed;
        int k1 = (int) (seed >>> 32);
        for (int round = 0; round < 10; round++) {
            long p0 = (M0 & 0xffffffffL) * (c0 & 0xffffffffL);
            long p1 = (M1 & 0xffffffffL) * (c2 & 0xffffffffL);
            int hi0 = (int) (p0 >>> 32);
            int lo0 = (int) p0;
            int hi1 = (int) (p1 >>> 32);
            int lo1 = (int) p1;
            c0 = hi1 ^ c1 ^ k0;
            c1 = lo1;
            c2 = hi0 ^ c3 ^ k1;
            c3 = lo0;
            k0 += W0;
            k1 += W1;
        }
        out[0] = c0;
        out[1] = c1;
        out[2] = c2;
        out[3] = c3;
    }
}
