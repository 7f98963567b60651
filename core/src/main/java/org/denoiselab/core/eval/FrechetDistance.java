package org.denoiselab.core.eval;

import java.util.stream.IntStream;
import org.denoiselab.core.eval.FeatureStats.Gaussian;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fréchet distance between two Gaussians, in float64:
 * FD = |mu1 - mu2|^2 + tr(S1) + tr(S2) - 2 tr((S1 S2)^(1/2)).
 *
 * <p>tr((S1 S2)^(1/2)) is the sum of square roots of the eigenvalues of S1 S2. For S1 = L L^T
 * (Cholesky), S1 S2 is similar to L^T S2 L, which is symmetric positive semi-definite, so its
 * eigenvalues are real and non-negative and the sum is exact up to rounding: no general (Schur)
 * square root and no spurious imaginary parts. Any factor of S1 gives the same spectrum (S1^(1/2) from
 * an eigendecomposition included); Cholesky is the cheapest and needs no eigenvectors.
 *
 * <p>When S1 S2 is singular (a covariance of rank below d, e.g. fewer samples than dimensions) this
 * does what pytorch-fid does: add eps I (eps = 1e-6) to both covariances, and logs a warning saying so.
 */
public final class FrechetDistance {
    private static final Logger LOG = LoggerFactory.getLogger(FrechetDistance.class);
    /** pytorch-fid's offset for singular products */
    public static final double EPS = 1e-6;
    private static final double ULP = Math.ulp(1.0);

    /** the distance and its parts; {@code offsetAdded} tells whether eps I had to be added */
    public record Result(double value, double meanTerm, double traceTerm, boolean offsetAdded) {}

    private FrechetDistance() {}

    public static Result compute(Gaussian a, Gaussian b) {
        if (a.dim() != b.dim()) {
            throw new IllegalArgumentException("feature dimensions differ: " + a.dim() + " vs " + b.dim()
                    + " (statistics from different extractors?)");
        }
        int n = a.dim();
        double meanTerm = 0;
        for (int i = 0; i < n; i++) {
            double d = a.mu()[i] - b.mu()[i];
            meanTerm += d * d;
        }
        double tr1 = trace(a.sigma(), n);
        double tr2 = trace(b.sigma(), n);
        boolean offset = false;
        double trSqrt = traceSqrtProduct(a.sigma(), b.sigma(), n, false);
        if (Double.isNaN(trSqrt)) {
            LOG.warn("fid calculation produces singular product; adding {} to diagonal of cov estimates", EPS);
            offset = true;
            trSqrt = traceSqrtProduct(withOffset(a.sigma(), n), withOffset(b.sigma(), n), n, true);
        }
        double traceTerm = tr1 + tr2 - 2 * trSqrt;
        return new Result(meanTerm + traceTerm, meanTerm, traceTerm, offset);
    }

    /** tr((s1 s2)^(1/2)), or NaN when the product is singular and {@code force} is false */
    static double traceSqrtProduct(double[] s1, double[] s2, int n, boolean force) {
        double[] l = cholesky(s1, n);
        if (l == null) {
            if (!force) {
                return Double.NaN;
            }
            throw new IllegalArgumentException("covariance is not positive semi-definite (Cholesky fails even with "
                    + EPS + " added to its diagonal)");
        }
        double[] m = DenseOps.congruence(l, s2, n);
        for (int i = 0; i < n; i++) { // remove rounding asymmetry before the symmetric solver
            for (int j = 0; j < i; j++) {
                double v = 0.5 * (m[i * n + j] + m[j * n + i]);
                m[i * n + j] = v;
                m[j * n + i] = v;
            }
        }
        double[] lambda = SymmetricEigen.eigenvalues(m, n);
        double max = Math.max(lambda[n - 1], 0);
        if (!force && (lambda[0] <= n * ULP * max || max == 0)) {
            return Double.NaN;
        }
        double sum = 0;
        for (int i = n - 1; i >= 0; i--) { // largest first; rounding negatives count as 0
            sum += Math.sqrt(Math.max(lambda[i], 0));
        }
        return sum;
    }

    /**
     * Lower Cholesky factor of the symmetric s (row-major, full storage), or null when s is not
     * numerically positive definite. Columns are computed in turn, the rows of each column in parallel.
     */
    static double[] cholesky(double[] s, int n) {
        double[] l = new double[n * n];
        double maxDiag = 0;
        for (int i = 0; i < n; i++) {
            maxDiag = Math.max(maxDiag, s[i * n + i]);
        }
        double tiny = n * ULP * maxDiag;
        for (int j = 0; j < n; j++) {
            double pivot = s[j * n + j] - dot(l, j * n, j * n, j);
            if (!(pivot > tiny)) {
                return null;
            }
            double ljj = Math.sqrt(pivot);
            l[j * n + j] = ljj;
            final int col = j;
            IntStream rows = IntStream.range(j + 1, n);
            if (n - j > 128) {
                rows = rows.parallel();
            }
            rows.forEach(i -> l[i * n + col] = (s[i * n + col] - dot(l, i * n, col * n, col)) / ljj);
        }
        return l;
    }

    /** sum of x[a + k] x[b + k] for k < len, with four partial sums for instruction-level parallelism */
    private static double dot(double[] x, int a, int b, int len) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int k = 0;
        for (; k + 3 < len; k += 4) {
            s0 += x[a + k] * x[b + k];
            s1 += x[a + k + 1] * x[b + k + 1];
            s2 += x[a + k + 2] * x[b + k + 2];
            s3 += x[a + k + 3] * x[b + k + 3];
        }
        for (; k < len; k++) {
            s0 += x[a + k] * x[b + k];
        }
        return (s0 + s1) + (s2 + s3);
    }

    private static double trace(double[] s, int n) {
        double t = 0;
        for (int i = 0; i < n; i++) {
            t += s[i * n + i];
        }
        return t;
    }

    private static double[] withOffset(double[] s, int n) {
        double[] c = s.clone();
        for (int i = 0; i < n; i++) {
            c[i * n + i] += EPS;
        }
        return c;
    }
}
