package org.denoiselab.science.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class KernelInceptionDistanceTest {

    /** src/test/python/kid_reference.py's features */
    static float[] features(int rows, int d, double phase, double offset) {
        float[] f = new float[rows * d];
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < d; j++) {
                f[r * d + j] = (float) (Math.sin(0.3 * (r + 1) * (j + 1) + phase) + 0.05 * j / d);
                f[r * d + j] = (float) (f[r * d + j] + offset);
            }
        }
        return f;
    }

    @Test
    void oneSubsetOfEveryFeatureIsTorchFidelitysValue() {
        // torch-fidelity's unbiased MMD^2 in NumPy, src/test/python/kid_reference.py
        float[] a = features(40, 16, 0.2, 0);
        float[] b = features(40, 16, 0.9, 0.5);
        KernelInceptionDistance.Result r = KernelInceptionDistance.compute(a, 40, b, 40, 16, 1, 40, 0);
        assertEquals(40, r.subsetSize());
        assertEquals(0.0, r.std());
        double reference = 0.9002370857200326;
        assertEquals(reference, r.mean(), 1e-9 * Math.abs(reference));
    }

    @Test
    void samplesOfOneDistributionScoreNearZeroAndAShiftScoresAbove() {
        Random rnd = new Random(3);
        int n = 400, d = 8;
        float[] a = new float[n * d], b = new float[n * d], c = new float[n * d];
        for (int i = 0; i < n * d; i++) {
            a[i] = (float) rnd.nextGaussian();
            b[i] = (float) rnd.nextGaussian();
            c[i] = (float) (rnd.nextGaussian() + 0.5);
        }
        KernelInceptionDistance.Result same = KernelInceptionDistance.compute(a, n, b, n, d, 20, 200, 1);
        KernelInceptionDistance.Result shifted = KernelInceptionDistance.compute(a, n, c, n, d, 20, 200, 1);
        assertTrue(Math.abs(same.mean()) < 3 * same.std() + 1e-3, "same distribution: " + same);
        assertTrue(shifted.mean() > 10 * Math.max(same.std(), 1e-4), "shifted: " + shifted + " vs " + same);
        assertThrows(IllegalArgumentException.class, () -> KernelInceptionDistance.compute(a, 1, b, 1, d * n));
    }
}
