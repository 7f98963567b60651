package org.denoiselab.science.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ToyManifoldTest {
    static final int N = 2000;

    private static float[] readAll(ToyManifold toy) {
        float[] all = new float[toy.size() * toy.sampleLength()];
        for (int i = 0; i < toy.size(); i++) {
            toy.read(i, all, i * toy.sampleLength());
        }
        return all;
    }

    @Test
    void projectionHasOrthonormalColumnsForEveryD() {
        for (int dim : new int[] {2, 3, 16, 512}) {
            double[] p = new ToyManifold(dim, 10, 7L, 1L).projection();
            for (int a = 0; a < 2; a++) {
                for (int b = 0; b < 2; b++) {
                    double dot = 0;
                    for (int d = 0; d < dim; d++) {
                        dot += p[2 * d + a] * p[2 * d + b];
                    }
                    assertEquals(a == b ? 1.0 : 0.0, dot, 1e-5, "P^T P at D=" + dim);
                }
            }
        }
        double[] p2 = new ToyManifold(2, 10, 7L, 1L).projection();
        assertEquals(1.0, p2[0] * p2[3] - p2[1] * p2[2], 1e-9, "D=2 is a rotation");
    }

    @Test
    void sameSeedSameProjectionOtherSeedOtherProjection() {
        assertArrayEquals(new ToyManifold(64, 10, 7L, 1L).projection(), new ToyManifold(64, 99, 7L, 5L).projection());
        assertFalse(Arrays.equals(
                new ToyManifold(64, 10, 7L, 1L).projection(), new ToyManifold(64, 10, 8L, 1L).projection()));
    }

    @Test
    void dataLiesOnThePlaneAndOnTheSpiral() {
        ToyManifold toy = new ToyManifold(512, N, ToyManifold.DEFAULT_PROJECTION_SEED, 1L);
        assertEquals(1, toy.channels());
        assertEquals(1, toy.height());
        assertEquals(512, toy.width());
        assertEquals(1, toy.numClasses());
        float[] x = readAll(toy);
        for (float v : x) {
            assertTrue(v >= -1f && v <= 1f);
        }
        assertEquals(0.0, toy.offManifold(x, N), 1e-6);
        float[] plane = toy.toPlane(x, N);
        float[] original = toy.points2d();
        for (int i = 0; i < 2 * N; i++) {
            assertEquals(original[i], plane[i], 1e-5f, "P^T P x_2 = x_2");
        }
        double onCurve = toy.distanceToSpiral(plane, N);
        assertTrue(onCurve < 1e-3, "data itself: " + onCurve);
    }

    @Test
    void noiseScoresFarWorseThanData() {
        int dim = 32;
        ToyManifold toy = new ToyManifold(dim, N, 3L, 1L);
        SplittableRandom random = new SplittableRandom(11);
        float[] noise = new float[N * dim];
        for (int i = 0; i < noise.length; i++) {
            noise[i] = (float) (0.5 * (random.nextDouble() * 2 - 1));
        }
        double noiseDistance = toy.distanceToSpiral(toy.toPlane(noise, N), N);
        double dataDistance = toy.distanceToSpiral(toy.toPlane(readAll(toy), N), N);
        assertTrue(
                noiseDistance > 0.02 && noiseDistance > 50 * dataDistance,
                "noise " + noiseDistance + " vs data " + dataDistance);
        assertTrue(toy.offManifold(noise, N) > 0.5, "32-D noise is mostly off the plane");
        // a diverged sample must never look good
        assertEquals(Double.POSITIVE_INFINITY, toy.distanceToSpiral(new float[] {Float.NaN, 0f}, 1));
    }

    @Test
    void distanceToSpiralMatchesBruteForce() {
        ToyManifold toy = new ToyManifold(2, 10, 1L, 1L);
        float[] curve = ToyManifold.spiral(ToyManifold.CURVE_SAMPLES);
        SplittableRandom random = new SplittableRandom(5);
        int n = 50;
        float[] q = new float[2 * n];
        double expected = 0;
        for (int i = 0; i < n; i++) {
            q[2 * i] = (float) (random.nextDouble() * 2.4 - 1.2);
            q[2 * i + 1] = (float) (random.nextDouble() * 2.4 - 1.2);
            double best = Double.MAX_VALUE;
            for (int k = 0; k < curve.length / 2; k++) {
                best = Math.min(best, Math.hypot(curve[2 * k] - q[2 * i], curve[2 * k + 1] - q[2 * i + 1]));
            }
            expected += best / n;
        }
        assertEquals(expected, toy.distanceToSpiral(q, n), 1e-9);
    }
}
