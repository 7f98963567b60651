package org.denoiselab.science.eval;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Mean and covariance of feature vectors, accumulated in one streaming pass in float64. Each batch is
 * centred on its own mean and merged with Chan et al.'s pairwise update, so no raw sums of squares
 * (and no cancellation) and no feature is kept. The covariance is the unbiased one (divides by N - 1),
 * as {@code np.cov(rowvar=False)} in pytorch-fid.
 */
public final class FeatureStats {
    private final int dim;
    private long count;
    private final double[] mean;
    /** sum over samples of (x - mean)(x - mean)^T, full dim x dim row-major */
    private final double[] scatter;

    public FeatureStats(int dim) {
        if (dim <= 0) {
            throw new IllegalArgumentException("feature dimension must be positive, got " + dim);
        }
        this.dim = dim;
        this.mean = new double[dim];
        this.scatter = new double[dim * dim];
    }

    public int dim() {
        return dim;
    }

    public long count() {
        return count;
    }

    /** adds {@code rows} feature vectors stored row-major in {@code batch} */
    public void add(float[] batch, int rows) {
        double[] d = new double[rows * dim];
        for (int i = 0; i < d.length; i++) {
            d[i] = batch[i];
        }
        add(d, rows);
    }

    /** adds {@code rows} feature vectors stored row-major in {@code batch} (overwritten: centred in place) */
    public void add(double[] batch, int rows) {
        if (rows == 0) {
            return;
        }
        if ((long) rows * dim > batch.length) {
            throw new IllegalArgumentException(
                    "batch holds " + batch.length + " values, fewer than " + rows + " rows of dimension " + dim);
        }
        double[] bMean = new double[dim];
        for (int r = 0; r < rows; r++) {
            int o = r * dim;
            for (int j = 0; j < dim; j++) {
                bMean[j] += batch[o + j];
            }
        }
        for (int j = 0; j < dim; j++) {
            bMean[j] /= rows;
        }
        double[] centred = batch.length == rows * dim ? batch : java.util.Arrays.copyOf(batch, rows * dim);
        for (int r = 0; r < rows; r++) {
            int o = r * dim;
            for (int j = 0; j < dim; j++) {
                centred[o + j] -= bMean[j];
            }
        }
        merge(rows, bMean, DenseOps.gram(centred, rows, dim));
    }

    /** folds another accumulator over the same feature space into this one */
    public void merge(FeatureStats other) {
        if (other.dim != dim) {
            throw new IllegalArgumentException("cannot merge statistics of dimension " + other.dim + " into " + dim);
        }
        if (other.count > 0) {
            merge(other.count, other.mean, other.scatter);
        }
    }

    private void merge(long nB, double[] meanB, double[] scatterB) {
        long n = count + nB;
        double[] delta = new double[dim];
        for (int j = 0; j < dim; j++) {
            delta[j] = meanB[j] - mean[j];
        }
        double w = (double) count * nB / n;
        for (int i = 0; i < dim; i++) {
            int o = i * dim;
            double di = delta[i] * w;
            for (int j = 0; j < dim; j++) {
                scatter[o + j] += scatterB[o + j] + di * delta[j];
            }
        }
        double f = (double) nB / n;
        for (int j = 0; j < dim; j++) {
            mean[j] += delta[j] * f;
        }
        count = n;
    }

    public double[] mean() {
        return mean.clone();
    }

    /** the unbiased covariance (N - 1 denominator), symmetric by construction */
    public double[] covariance() {
        if (count < 2) {
            throw new IllegalStateException("a covariance needs at least 2 samples, have " + count);
        }
        double[] c = new double[dim * dim];
        double inv = 1.0 / (count - 1);
        for (int i = 0; i < dim; i++) {
            for (int j = 0; j <= i; j++) {
                double v = 0.5 * (scatter[i * dim + j] + scatter[j * dim + i]) * inv;
                c[i * dim + j] = v;
                c[j * dim + i] = v;
            }
        }
        return c;
    }

    /** the statistics as a pair (mu, sigma) ready for the Fréchet distance or for saving */
    public Gaussian toGaussian() {
        return new Gaussian(mean(), covariance());
    }

    /** A Gaussian summary of a feature set: mean (d) and covariance (d x d, row-major). */
    public record Gaussian(double[] mu, double[] sigma) {
        public Gaussian {
            if ((long) mu.length * mu.length != sigma.length) {
                throw new IllegalArgumentException("sigma must be " + mu.length + " x " + mu.length
                        + " for a mean of dimension " + mu.length + ", has " + sigma.length + " values");
            }
        }

        public int dim() {
            return mu.length;
        }

        /** writes pytorch-fid's layout: arrays mu (d) and sigma (d, d), float64, C order */
        public void save(Path file) throws IOException {
            Map<String, Npy.Array> arrays = new LinkedHashMap<>();
            arrays.put("mu", Npy.float64(mu, mu.length));
            arrays.put("sigma", Npy.float64(sigma, mu.length, mu.length));
            Npz.write(file, arrays);
        }

        /**
         * Reads pytorch-fid / clean-fid style statistics: arrays mu (d) and sigma (d, d), float32 or float64,
         * any byte or memory order.
         *
         * @throws IOException naming the file and the array when a key is missing, a shape is wrong, or a
         *     value is NaN or infinite ({@link Npy.NonFiniteException})
         */
        public static Gaussian load(Path file) throws IOException {
            Map<String, Npy.Array> arrays = Npz.read(file);
            Npy.Array mu = arrays.get("mu");
            Npy.Array sigma = arrays.get("sigma");
            if (mu == null || sigma == null) {
                throw new IOException(file + ": expected arrays 'mu' and 'sigma', found " + arrays.keySet());
            }
            if (mu.shape().length != 1) {
                throw new IOException(file + ": 'mu' must be 1-D, has shape " + java.util.Arrays.toString(mu.shape()));
            }
            long d = mu.shape()[0];
            if (d < 1) {
                throw new IOException(file + ": 'mu' is empty (shape " + java.util.Arrays.toString(mu.shape()) + ")");
            }
            if (sigma.shape().length != 2 || sigma.shape()[0] != d || sigma.shape()[1] != d) {
                throw new IOException(file + ": 'sigma' must have shape (" + d + ", " + d + "), has "
                        + java.util.Arrays.toString(sigma.shape()));
            }
            mu.requireFinite(file.toString(), "mu");
            sigma.requireFinite(file.toString(), "sigma");
            return new Gaussian(mu.asDoubles(), sigma.asDoubles());
        }
    }
}
