package org.denoiselab.science.model;

import java.util.Random;

/**
 * Weight initialisers, computed in Java from one seeded generator so that a run's initial weights
 * are the same on every device and engine build.
 */
final class Init {
    private final Random random;

    Init(long seed) {
        this.random = new Random(seed);
    }

    /** Xavier/Glorot uniform for a [out, in] weight. */
    float[] xavier(int out, int in) {
        float bound = (float) Math.sqrt(6.0 / (in + out));
        float[] w = new float[out * in];
        for (int i = 0; i < w.length; i++) {
            w[i] = (random.nextFloat() * 2f - 1f) * bound;
        }
        return w;
    }

    float[] normal(int n, double std) {
        float[] w = new float[n];
        for (int i = 0; i < n; i++) {
            w[i] = (float) (random.nextGaussian() * std);
        }
        return w;
    }

    static float[] ones(int n) {
        float[] w = new float[n];
        java.util.Arrays.fill(w, 1f);
        return w;
    }

    static float[] zeros(int n) {
        return new float[n];
    }
}
