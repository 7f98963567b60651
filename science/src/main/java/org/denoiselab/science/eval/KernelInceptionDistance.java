package org.denoiselab.science.eval;

import java.util.Random;

/**
 * Kernel Inception Distance (Bińkowski et al. 2018, "Demystifying MMD GANs", Sec. 3): the unbiased
 * estimate of the squared maximum mean discrepancy between two feature sets under the cubic polynomial
 * kernel k(x, y) = (x . y / d + 1)^3, averaged over random subsets, as torch-fidelity's
 * kid_features_to_metric computes it (100 subsets of up to 1000 features, mean and population std).
 * Unlike the Fréchet distance it is unbiased at small sample counts, which is why the main job's 500
 * samples per evaluation report it beside FD.
 */
public final class KernelInceptionDistance {
    public static final int DEFAULT_SUBSETS = 100;
    public static final int DEFAULT_SUBSET_SIZE = 1000;

    /** mean and standard deviation (ddof 0) over the subsets */
    public record Result(double mean, double std, int subsets, int subsetSize) {}

    private KernelInceptionDistance() {}

    /**
     * @param a      n1 x d features, row-major
     * @param b      n2 x d features
     * @param subsets number of random subsets; each draws min(subsetSize, n1, n2) rows of each set
     *               without replacement (a subset of all rows is deterministic)
     * @throws IllegalArgumentException when a set has fewer than 2 rows or the lengths do not match d
     */
    public static Result compute(float[] a, int n1, float[] b, int n2, int d, int subsets, int subsetSize, long seed) {
        if (a.length != (long) n1 * d || b.length != (long) n2 * d) {
            throw new IllegalArgumentException("feature arrays do not hold " + n1 + " and " + n2 + " rows of " + d);
        }
        int m = Math.min(subsetSize, Math.min(n1, n2));
        if (m < 2) {
            throw new IllegalArgumentException("KID needs at least 2 features in each set, have " + n1 + " and " + n2);
        }
        Random rnd = new Random(seed);
        double[] values = new double[subsets];
        double sum = 0;
        for (int s = 0; s < subsets; s++) {
            double[] x = rows(a, n1, d, m, rnd);
            double[] y = rows(b, n2, d, m, rnd);
            values[s] = mmd2(x, y, m, d);
            sum += values[s];
        }
        double mean = sum / subsets;
        double var = 0;
        for (double v : values) {
            var += (v - mean) * (v - mean);
        }
        return new Result(mean, Math.sqrt(var / subsets), subsets, m);
    }

    /** torch-fidelity's defaults: 100 subsets of up to 1000 features, seed 0 */
    public static Result compute(float[] a, int n1, float[] b, int n2, int d) {
        return compute(a, n1, b, n2, d, DEFAULT_SUBSETS, DEFAULT_SUBSET_SIZE, 0);
    }

    /**
     * Unbiased MMD^2 of two m-row sets: (sum of K_xx and K_yy off the diagonal) / (m (m - 1)) -
     * 2 sum(K_xy) / m^2, with the kernel through PyTorch's BLAS.
     */
    static double mmd2(double[] x, double[] y, int m, int d) {
        double kxx = offDiagonalSum(cubicKernel(DenseOps.productTransposed(x, m, d, x, m), d), m);
        double kyy = offDiagonalSum(cubicKernel(DenseOps.productTransposed(y, m, d, y, m), d), m);
        double[] kxy = cubicKernel(DenseOps.productTransposed(x, m, d, y, m), d);
        double sxy = 0;
        for (double v : kxy) {
            sxy += v;
        }
        return (kxx + kyy) / ((double) m * (m - 1)) - 2 * sxy / ((double) m * m);
    }

    private static double[] cubicKernel(double[] dots, int d) {
        for (int i = 0; i < dots.length; i++) {
            double k = dots[i] / d + 1;
            dots[i] = k * k * k;
        }
        return dots;
    }

    private static double offDiagonalSum(double[] k, int m) {
        double s = 0;
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < m; j++) {
                if (i != j) {
                    s += k[i * m + j];
                }
            }
        }
        return s;
    }

    /** m rows drawn without replacement (all rows, in order, when m is every row) */
    private static double[] rows(float[] f, int n, int d, int m, Random rnd) {
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) {
            idx[i] = i;
        }
        if (m < n) {
            for (int i = 0; i < m; i++) { // partial Fisher-Yates
                int j = i + rnd.nextInt(n - i);
                int t = idx[i];
                idx[i] = idx[j];
                idx[j] = t;
            }
        }
        double[] out = new double[m * d];
        for (int r = 0; r < m; r++) {
            for (int c = 0; c < d; c++) {
                out[r * d + c] = f[idx[r] * d + c];
            }
        }
        return out;
    }
}
