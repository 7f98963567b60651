package org.denoiselab.science.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

class FeatureStatsTest {
    @Test
    void streamingBatchesMatchTheTwoPassCovariance() {
        int n = 301;
        int d = 9;
        Random rnd = new Random(11);
        double[] all = new double[n * d];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                // a large common offset: raw sums of squares would lose digits here
                all[i * d + j] =
                        1e4 + j + rnd.nextGaussian() * (1 + j % 3) + (j > 0 ? 0.5 * all[i * d + j - 1] - 5e3 : 0);
            }
        }
        double[] mean = new double[d];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                mean[j] += all[i * d + j] / n;
            }
        }
        double[] cov = new double[d * d];
        for (int i = 0; i < n; i++) {
            for (int a = 0; a < d; a++) {
                for (int b = 0; b < d; b++) {
                    cov[a * d + b] += (all[i * d + a] - mean[a]) * (all[i * d + b] - mean[b]) / (n - 1);
                }
            }
        }
        FeatureStats streamed = new FeatureStats(d);
        FeatureStats other = new FeatureStats(d);
        int[] cuts = {0, 1, 50, 177, 250, n}; // uneven batches, the last ones merged from a second accumulator
        for (int c = 0; c + 1 < cuts.length; c++) {
            int rows = cuts[c + 1] - cuts[c];
            double[] batch = java.util.Arrays.copyOfRange(all, cuts[c] * d, cuts[c + 1] * d);
            (c < 3 ? streamed : other).add(batch, rows);
        }
        streamed.merge(other);
        assertEquals(n, streamed.count());
        double[] m = streamed.mean();
        double[] s = streamed.covariance();
        for (int j = 0; j < d; j++) {
            assertEquals(mean[j], m[j], 1e-9 * Math.abs(mean[j]));
        }
        for (int k = 0; k < d * d; k++) {
            assertEquals(cov[k], s[k], 1e-9 * (1 + Math.abs(cov[k])));
        }
    }
}
