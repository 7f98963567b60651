package org.denoiselab.core.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.denoiselab.core.eval.FeatureStats.Gaussian;
import org.junit.jupiter.api.Test;

class FrechetDistanceTest {

    static double[] diagonal(double[] values) {
        int n = values.length;
        double[] s = new double[n * n];
        for (int i = 0; i < n; i++) {
            s[i * n + i] = values[i];
        }
        return s;
    }

    /** a random symmetric positive definite matrix R R^T / k + floor I */
    static double[] randomSpd(int n, int k, double floor, Random rnd) {
        double[] r = new double[n * k];
        for (int i = 0; i < r.length; i++) {
            r[i] = rnd.nextGaussian();
        }
        double[] s = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double v = 0;
                for (int t = 0; t < k; t++) {
                    v += r[i * k + t] * r[j * k + t];
                }
                s[i * n + j] = v / k + (i == j ? floor : 0);
            }
        }
        return s;
    }

    @Test
    void diagonalGaussiansMatchTheClosedForm() {
        double[] a = {0.5, 1.0, 2.0, 4.0, 0.1};
        double[] b = {1.5, 0.2, 2.0, 9.0, 0.3};
        double[] mu1 = {0, 1, 2, 3, 4};
        double[] mu2 = {1, 1, 0, 3, 2};
        double expected = 1 + 4 + 4; // |mu1 - mu2|^2
        for (int i = 0; i < a.length; i++) {
            double d = Math.sqrt(a[i]) - Math.sqrt(b[i]);
            expected += d * d;
        }
        double fd = FrechetDistance.compute(new Gaussian(mu1, diagonal(a)), new Gaussian(mu2, diagonal(b))).value();
        assertEquals(expected, fd, 1e-12 * expected);
    }

    @Test
    void identicalInputsGiveZeroAndAShiftGivesTheSquaredShift() {
        int n = 64;
        double[] s = randomSpd(n, 96, 0.05, new Random(1));
        double[] mu = new double[n];
        double[] shifted = new double[n];
        double shift2 = 0;
        for (int i = 0; i < n; i++) {
            mu[i] = Math.sin(i);
            shifted[i] = mu[i] + 0.1 * i;
            shift2 += 0.01 * i * i;
        }
        double trace = 0;
        for (int i = 0; i < n; i++) {
            trace += s[i * n + i];
        }
        double same = FrechetDistance.compute(new Gaussian(mu, s), new Gaussian(mu.clone(), s.clone())).value();
        assertEquals(0, same, 1e-10 * trace);
        double moved = FrechetDistance.compute(new Gaussian(mu, s), new Gaussian(shifted, s.clone())).value();
        assertEquals(shift2, moved, 1e-10 * trace);
    }

    @Test
    void isSymmetric() {
        int n = 48;
        Random rnd = new Random(2);
        Gaussian a = new Gaussian(new double[n], randomSpd(n, 60, 0.01, rnd));
        double[] mu = new double[n];
        for (int i = 0; i < n; i++) {
            mu[i] = rnd.nextGaussian();
        }
        Gaussian b = new Gaussian(mu, randomSpd(n, 80, 0.2, rnd));
        double ab = FrechetDistance.compute(a, b).value();
        double ba = FrechetDistance.compute(b, a).value();
        assertTrue(ab > 0);
        assertEquals(ab, ba, 1e-11 * ab);
    }

    /**
     * Reference from pytorch-fid's formula with scipy.linalg.sqrtm (NumPy 1.24, SciPy 1.10 and NumPy
     * 2.4, SciPy 1.17 agree on all printed digits). Made with:
     * <pre>
     * d = 16; i = np.arange(d)[:, None] * 1.0; j = np.arange(d)[None, :] * 1.0
     * A1 = np.sin(0.37*i + 0.91*j + 0.05*i*j); A2 = np.cos(0.53*i - 0.29*j + 0.07*i*j)
     * S1 = A1 @ A1.T / d + 0.5*np.eye(d); S2 = A2 @ A2.T / d + 0.3*np.eye(d)
     * mu1 = np.sin(np.arange(d) * 1.0); mu2 = np.cos(1.5 * np.arange(d))
     * diff = mu1 - mu2; covmean = linalg.sqrtm(S1.dot(S2)).real
     * print(repr(diff.dot(diff) + np.trace(S1) + np.trace(S2) - 2*np.trace(covmean)))
     * </pre>
     */
    @Test
    void agreesWithScipyReference() {
        int d = 16;
        double[] a1 = new double[d * d];
        double[] a2 = new double[d * d];
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < d; j++) {
                a1[i * d + j] = Math.sin(0.37 * i + 0.91 * j + 0.05 * i * j);
                a2[i * d + j] = Math.cos(0.53 * i - 0.29 * j + 0.07 * i * j);
            }
        }
        double[] s1 = new double[d * d];
        double[] s2 = new double[d * d];
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < d; j++) {
                double v1 = 0;
                double v2 = 0;
                for (int k = 0; k < d; k++) {
                    v1 += a1[i * d + k] * a1[j * d + k];
                    v2 += a2[i * d + k] * a2[j * d + k];
                }
                s1[i * d + j] = v1 / d + (i == j ? 0.5 : 0);
                s2[i * d + j] = v2 / d + (i == j ? 0.3 : 0);
            }
        }
        double[] mu1 = new double[d];
        double[] mu2 = new double[d];
        for (int i = 0; i < d; i++) {
            mu1[i] = Math.sin(i);
            mu2[i] = Math.cos(1.5 * i);
        }
        double reference = 20.928027080946688;
        FrechetDistance.Result r = FrechetDistance.compute(new Gaussian(mu1, s1), new Gaussian(mu2, s2));
        assertFalse(r.offsetAdded());
        assertEquals(reference, r.value(), 1e-9 * reference);
    }

    @Test
    void commutingCovariancesMatchTheirSquareRoots() {
        // S1 = Q diag(a) Q^T, S2 = Q diag(b) Q^T share eigenvectors: tr sqrt(S1 S2) = sum sqrt(a b)
        int n = 200;
        Random rnd = new Random(3);
        double[] q = orthogonal(n, rnd);
        double[] a = new double[n];
        double[] b = new double[n];
        double expected = 0;
        for (int i = 0; i < n; i++) {
            a[i] = 0.05 + rnd.nextDouble();
            b[i] = 0.05 + 3 * rnd.nextDouble();
            expected += a[i] + b[i] - 2 * Math.sqrt(a[i] * b[i]);
        }
        double fd = FrechetDistance.compute(new Gaussian(new double[n], rotate(q, a, n)),
                new Gaussian(new double[n], rotate(q, b, n))).value();
        assertEquals(expected, fd, 1e-9 * expected);
    }

    @Test
    void singularCovarianceGivesAFiniteNumberWithTheOffset() {
        int n = 50;
        Random rnd = new Random(4);
        double[] lowRank = randomSpd(n, 10, 0.0, rnd); // rank 10 of 50, like 10 samples in 50 dimensions
        double[] full = randomSpd(n, 80, 0.1, rnd);
        FrechetDistance.Result r = FrechetDistance.compute(new Gaussian(new double[n], lowRank),
                new Gaussian(new double[n], full));
        assertTrue(r.offsetAdded());
        assertTrue(Double.isFinite(r.value()) && r.value() > 0, "FD " + r.value());
        FrechetDistance.Result zero = FrechetDistance.compute(new Gaussian(new double[n], new double[n * n]),
                new Gaussian(new double[n], new double[n * n]));
        // as in pytorch-fid the traces stay those of the unshifted covariances, so the offset leaves
        // -2 tr(eps I) = -2 n eps behind
        assertTrue(zero.offsetAdded());
        assertEquals(-2 * n * FrechetDistance.EPS, zero.value(), 1e-15);
    }

    @Test
    void mismatchedDimensionsAreRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FrechetDistance.compute(
                new Gaussian(new double[2], diagonal(new double[] {1, 1})),
                new Gaussian(new double[3], diagonal(new double[] {1, 1, 1}))));
        assertTrue(e.getMessage().contains("2 vs 3"), e.getMessage());
    }

    @Test
    void eigenvaluesOfAKnownSpectrum() {
        int n = 300; // above the parallel threshold of the reduction
        Random rnd = new Random(5);
        double[] q = orthogonal(n, rnd);
        double[] lambda = new double[n];
        for (int i = 0; i < n; i++) {
            lambda[i] = i - 100.5 + 0.25 * rnd.nextDouble(); // negative ones too
        }
        double[] got = SymmetricEigen.eigenvalues(rotate(q, lambda, n), n);
        java.util.Arrays.sort(lambda);
        for (int i = 0; i < n; i++) {
            assertEquals(lambda[i], got[i], 1e-10 * n);
        }
    }

    /** a random orthogonal matrix from Gram-Schmidt on Gaussian rows */
    static double[] orthogonal(int n, Random rnd) {
        double[] q = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                q[i * n + j] = rnd.nextGaussian();
            }
            for (int pass = 0; pass < 2; pass++) {
                for (int k = 0; k < i; k++) {
                    double dot = 0;
                    for (int j = 0; j < n; j++) {
                        dot += q[i * n + j] * q[k * n + j];
                    }
                    for (int j = 0; j < n; j++) {
                        q[i * n + j] -= dot * q[k * n + j];
                    }
                }
            }
            double norm = 0;
            for (int j = 0; j < n; j++) {
                norm += q[i * n + j] * q[i * n + j];
            }
            norm = Math.sqrt(norm);
            for (int j = 0; j < n; j++) {
                q[i * n + j] /= norm;
            }
        }
        return q;
    }

    /** Q^T diag(values) Q */
    static double[] rotate(double[] q, double[] values, int n) {
        double[] s = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                double v = 0;
                for (int k = 0; k < n; k++) {
                    v += q[k * n + i] * values[k] * q[k * n + j];
                }
                s[i * n + j] = v;
                s[j * n + i] = v;
            }
        }
        return s;
    }
}
