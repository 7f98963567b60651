package org.denoiselab.science.eval;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.denoiselab.science.tensor.Tensors;
import org.denoiselab.science.util.Engines;

/**
 * Float64 dense products on the CPU through PyTorch's BLAS (via DJL): the O(N d^2) covariance scatter
 * of the feature statistics and the O(d^3) congruence of the Fréchet distance. BLAS does them many times
 * faster than Java loops or EJML's products on the same cores (2048-d congruence: ~0.5 s against 10-12 s
 * with CommonOps_MT_DDRM on 2 cores). Row-major arrays in and out.
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
            NDArray a = Tensors.of(m, x, new Shape(rows, cols));
            return a.transpose().matMul(a).toDoubleArray();
        }
    }

    /** f^T s f for square n x n matrices: the congruence that carries the spectrum of S1 S2 */
    static double[] congruence(double[] f, double[] s, int n) {
        try (NDManager mg = manager()) {
            NDArray fm = Tensors.of(mg, f, new Shape(n, n));
            NDArray sm = Tensors.of(mg, s, new Shape(n, n));
            return fm.transpose().matMul(sm.matMul(fm)).toDoubleArray();
        }
    }

    /** a (m x k) times b^T for b (n x k): the m x n matrix of row dot products */
    static double[] productTransposed(double[] a, int m, int k, double[] b, int n) {
        try (NDManager mg = manager()) {
            NDArray am = Tensors.of(mg, a, new Shape(m, k));
            NDArray bm = Tensors.of(mg, b, new Shape(n, k));
            return am.matMul(bm.transpose()).toDoubleArray();
        }
    }
}
