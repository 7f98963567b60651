package org.denoiselab.core.eval;

import java.util.stream.IntStream;

/**
 * Eigenvalues of a real symmetric matrix: Householder reduction to tridiagonal form, then the
 * implicit QL algorithm with Wilkinson shifts. Only the lower triangle is read and updated, row by
 * row (contiguous memory), and each reduction step is split over the cores by rows; eigenvectors
 * are not formed, which is what makes a 2048 x 2048 problem take seconds rather than minutes.
 */
final class SymmetricEigen {
    private static final double EPS = Math.ulp(1.0);

    private SymmetricEigen() {}

    /** eigenvalues (ascending) of the symmetric n x n row-major matrix a; a is destroyed */
    static double[] eigenvalues(double[] a, int n) {
        double[] d = new double[n];
        double[] e = new double[n];
        tridiagonalise(a, n, d, e);
        implicitQl(d, e);
        java.util.Arrays.sort(d);
        return d;
    }

    /**
     * Reduces a to tridiagonal T = Q^T a Q: diagonal in d, sub-diagonal in e (e[i] couples i and i+1).
     * Step k reflects row k beyond the diagonal onto its first entry and applies the two-sided update
     * B -= v w^T + w v^T to the trailing block (lower triangle only).
     */
    static void tridiagonalise(double[] a, int n, double[] d, double[] e) {
        int threads = Math.max(1, Math.min(Runtime.getRuntime().availableProcessors(), 8));
        double[] v = new double[n];
        double[] w = new double[n];
        double[][] partial = new double[threads][n];
        for (int k = 0; k < n - 1; k++) {
            d[k] = a[k * n + k];
            int s = k + 1; // the trailing block is rows/cols s..n-1; column k below the diagonal is a[i][k]
            double norm = 0;
            for (int i = s; i < n; i++) {
                double x = a[i * n + k];
                norm += x * x;
            }
            norm = Math.sqrt(norm);
            double x0 = a[s * n + k];
            if (s == n - 1 || norm == 0) { // nothing to annihilate below the first entry
                e[k] = x0;
                continue;
            }
            double alpha = x0 > 0 ? -norm : norm;
            for (int i = s; i < n; i++) {
                v[i] = a[i * n + k];
            }
            v[s] -= alpha;
            double vv = 0;
            for (int i = s; i < n; i++) {
                vv += v[i] * v[i];
            }
            e[k] = alpha;
            if (vv == 0) {
                continue;
            }
            double beta = 2.0 / vv;
            // p = beta * B v using the lower triangle: row i gives B[i][j] v_j (j <= i) and B[i][j] v_i to p_j (j < i)
            int m = n - s;
            int chunks = m < 256 ? 1 : threads;
            int[] bounds = balancedRows(s, n, chunks);
            IntStream.range(0, chunks).parallel().forEach(c -> {
                double[] p = partial[c];
                java.util.Arrays.fill(p, s, n, 0.0);
                for (int i = bounds[c]; i < bounds[c + 1]; i++) {
                    int o = i * n;
                    double vi = v[i];
                    double acc = 0;
                    for (int j = s; j < i; j++) {
                        double bij = a[o + j];
                        acc += bij * v[j];
                        p[j] += bij * vi;
                    }
                    p[i] += acc + a[o + i] * vi;
                }
            });
            for (int i = s; i < n; i++) {
                double sum = 0;
                for (int c = 0; c < chunks; c++) {
                    sum += partial[c][i];
                }
                w[i] = beta * sum;
            }
            double kv = 0;
            for (int i = s; i < n; i++) {
                kv += w[i] * v[i];
            }
            kv *= 0.5 * beta;
            for (int i = s; i < n; i++) {
                w[i] -= kv * v[i];
            }
            IntStream.range(0, chunks).parallel().forEach(c -> {
                for (int i = bounds[c]; i < bounds[c + 1]; i++) {
                    int o = i * n;
                    double vi = v[i];
                    double wi = w[i];
                    for (int j = s; j <= i; j++) {
                        a[o + j] -= vi * w[j] + wi * v[j];
                    }
                }
            });
        }
        d[n - 1] = a[(n - 1) * n + n - 1];
        e[n - 1] = 0;
    }

    /** splits rows [from, to) of a lower triangle into chunks of about equal work (row i costs ~i) */
    private static int[] balancedRows(int from, int to, int chunks) {
        int[] b = new int[chunks + 1];
        b[0] = from;
        b[chunks] = to;
        double total = (double) to * to - (double) from * from;
        for (int c = 1; c < chunks; c++) {
            b[c] = (int) Math.round(Math.sqrt((double) from * from + total * c / chunks));
        }
        return b;
    }

    /** eigenvalues of the tridiagonal (d, e) in place in d; e is destroyed */
    static void implicitQl(double[] d, double[] e) {
        int n = d.length;
        // Deflate when an off-diagonal is negligible next to the whole matrix (as EISPACK's tql1): a purely
        // local test |e| <= eps (|d_m| + |d_m+1|) can stall on clusters of equal eigenvalues (a rank-deficient
        // covariance plus eps I), where rotations keep e at rounding level. The absolute error eps ||T|| is
        // what the Householder reduction already commits.
        double norm = 0;
        for (int i = 0; i < n; i++) {
            norm = Math.max(norm, Math.abs(d[i]) + Math.abs(e[i]) + (i > 0 ? Math.abs(e[i - 1]) : 0));
        }
        double tolerance = EPS * norm;
        for (int l = 0; l < n; l++) {
            int iterations = 0;
            int m;
            do {
                for (m = l; m < n - 1; m++) {
                    if (Math.abs(e[m]) <= tolerance) {
                        break;
                    }
                }
                if (m != l) {
                    if (++iterations > 60) {
                        throw new ArithmeticException("QL iteration did not converge for eigenvalue " + l);
                    }
                    // Wilkinson-type shift from the leading 2 x 2 block
                    double g = (d[l + 1] - d[l]) / (2 * e[l]);
                    double r = Math.hypot(g, 1.0);
                    g = d[m] - d[l] + e[l] / (g + Math.copySign(r, g));
                    double s = 1;
                    double c = 1;
                    double p = 0;
                    int i;
                    boolean deflated = false;
                    for (i = m - 1; i >= l; i--) {
                        double f = s * e[i];
                        double b = c * e[i];
                        r = Math.hypot(f, g);
                        e[i + 1] = r;
                        if (r == 0) {
                            d[i + 1] -= p;
                            e[m] = 0;
                            deflated = true;
                            break;
                        }
                        s = f / r;
                        c = g / r;
                        g = d[i + 1] - p;
                        r = (d[i] - g) * s + 2 * c * b;
                        p = s * r;
                        d[i + 1] = g + p;
                        g = c * r - b;
                    }
                    if (deflated) {
                        continue;
                    }
                    d[l] -= p;
                    e[l] = g;
                    e[m] = 0;
                }
            } while (m != l);
        }
    }
}
