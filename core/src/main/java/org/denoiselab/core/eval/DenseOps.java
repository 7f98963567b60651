package org.denoiselab.core.eval;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.denoiselab.core.util.Engines;

/**
 * Float64 dense products on the CPU through PyTorch's BLAS (via DJL). These are the O(n^3) and
 * O(N d^2) parts of the Fréchet distance (covariance scatter, S2 L, L^T S2 L); BLAS does them many
 * times faster than Java loops on the same cores. Row-major arrays in and out.
 */
final class DenseOps {
    private DenseOps() {}

    private static NDManager manager() {
        Engines.pytorch();
        return NDManager.newBaseManager(Device.cpu(), "PyTorch");
    }

    /** x^T x for x of shape rows x cols: the cols x cols scatter matrix */
    static double[] gram(double[] x, int rows, int cols) {
        try (NDManager m = manager()) {
            NDArray a = m.create(x, new Shape(rows, cols));
            return a.transpose().matMul(a).toDoubleArray();
        }
    }

    /** a (m x k) times b (k x n) */
    static double[] multiply(double[] a, int m, int k, double[] b, int n) {
        try (NDManager mg = manager()) {
            return mg.create(a, new Shape(m, k)).matMul(mg.create(b, new Shape(k, n))).toDoubleArray();
        }
    }

    /** l^T s l for square n x n matrices: the congruence that carries the spectrum of S1 S2 */
    static double[] congruence(double[] l, double[] s, int n) {
        try (NDManager mg = manager()) {
            NDArray lm = mg.create(l, new Shape(n, n));
            NDArray sm = mg.create(s, new Shape(n, n));
            return lm.transpose().matMul(sm.matMul(lm)).toDoubleArray();
        }
    }
}
