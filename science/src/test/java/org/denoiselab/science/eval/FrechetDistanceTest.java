package org.denoiselab.science.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.denoiselab.science.eval.FeatureStats.Gaussian;
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
        double fd = FrechetDistance.compute(new Gaussian(mu1, diagonal(a)), new Gaussian(mu2, diagonal(b)))
                .value();
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
        double same = FrechetDistance.compute(new Gaussian(mu, s), new Gaussian(mu.clone(), s.clone()))
                .value();
        assertEquals(0, same, 1e-10 * trace);
        double moved = FrechetDistance.compute(new Gaussian(mu, s), new Gaussian(shifted, s.clone()))
                .value();
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
        assertEquals(FrechetDistance.Factor.CHOLESKY_FIRST, r.factor());
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
        double fd = FrechetDistance.compute(
                        new Gaussian(new double[n], rotate(q, a, n)), new Gaussian(new double[n], rotate(q, b, n)))
                .value();
        assertEquals(expected, fd, 1e-9 * expected);
    }

    /** FrechetDistanceTest's features, as src/test/python/fd_reference.py makes them */
    static double[] features(int rows, int dim, double phase) {
        double[] x = new double[rows * dim];
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < dim; j++) {
                x[r * dim + j] = Math.sin(0.37 * (r + 1) * (j + 1) + phase) + 0.1 * Math.cos(1.3 * j - 0.7 * r * phase);
            }
        }
        return x;
    }

    static Gaussian gaussian(int rows, int dim, double phase) {
        FeatureStats stats = new FeatureStats(dim);
        stats.add(features(rows, dim, phase), rows);
        return stats.toGaussian();
    }

    /**
     * Fewer samples than dimensions make a covariance singular. pytorch-fid's value (scipy's sqrtm, no
     * offset, since the square root comes out finite) from src/test/python/fd_reference.py; the earlier
     * eps I offset was 0.118% off in the first case.
     */
    @Test
    void singularCovariancesGiveTheExactValueAsPytorchFid() {
        FrechetDistance.Result oneSingular = FrechetDistance.compute(gaussian(20, 64, 0.3), gaussian(200, 64, 1.1));
        assertEquals(25.967607517926922, oneSingular.value(), 1e-6 * 25.97);
        assertEquals(FrechetDistance.Factor.CHOLESKY_SECOND, oneSingular.factor());
        FrechetDistance.Result bothSingular = FrechetDistance.compute(gaussian(30, 64, 0.3), gaussian(25, 64, 1.1));
        assertEquals(18.817672905891037, bothSingular.value(), 1e-6 * 18.82);
        assertEquals(FrechetDistance.Factor.SQRT_FIRST, bothSingular.factor());
        // zero covariances: sqrtm(0) = 0, so pytorch-fid gives exactly |mu1 - mu2|^2 = 0
        FrechetDistance.Result zero = FrechetDistance.compute(
                new Gaussian(new double[8], new double[64]), new Gaussian(new double[8], new double[64]));
        assertEquals(0.0, zero.value());
    }

    @Test
    void nonFiniteCovariancesAreRefused() {
        double[] bad = diagonal(new double[] {1, Double.NaN});
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> FrechetDistance.compute(
                        new Gaussian(new double[2], diagonal(new double[] {1, 1})), new Gaussian(new double[2], bad)));
        assertTrue(e.getMessage().contains("second covariance"), e.getMessage());
    }

    @Test
    void mismatchedDimensionsAreRejected() {
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class,
                () -> FrechetDistance.compute(
                        new Gaussian(new double[2], diagonal(new double[] {1, 1})),
                        new Gaussian(new double[3], diagonal(new double[] {1, 1, 1}))));
        assertTrue(e.getMessage().contains("2 vs 3"), e.getMessage());
    }

    @Test
    void symmetricSquareRootOfAKnownSpectrumIsAFactor() {
        int n = 60;
        Random rnd = new Random(5);
        double[] q = orthogonal(n, rnd);
        double[] lambda = new double[n];
        for (int i = 0; i < n; i++) {
            lambda[i] = i < 20 ? 0 : 0.5 + rnd.nextDouble(); // rank 40: positive semi-definite
        }
        org.ejml.data.DMatrixRMaj s = org.ejml.data.DMatrixRMaj.wrap(n, n, rotate(q, lambda, n));
        org.ejml.data.DMatrixRMaj f = FrechetDistance.symmetricSqrt(s);
        org.ejml.data.DMatrixRMaj ff = new org.ejml.data.DMatrixRMaj(n, n);
        org.ejml.dense.row.CommonOps_DDRM.multTransB(f, f, ff);
        for (int i = 0; i < n * n; i++) {
            assertEquals(s.data[i], ff.data[i], 1e-10);
        }
        assertEquals(null, FrechetDistance.choleskyLower(s), "a singular matrix has no Cholesky factor");
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
