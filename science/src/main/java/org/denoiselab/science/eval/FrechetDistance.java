package org.denoiselab.science.eval;

import org.denoiselab.science.eval.FeatureStats.Gaussian;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_MT_DDRM;
import org.ejml.interfaces.decomposition.CholeskyDecomposition_F64;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;

/**
 * Fréchet distance between two Gaussians, in float64 (Heusel et al. 2017; pytorch-fid's
 * calculate_frechet_distance): FD = |mu1 - mu2|^2 + tr(S1) + tr(S2) - 2 tr((S1 S2)^(1/2)).
 *
 * <p>tr((S1 S2)^(1/2)) is the sum of the square roots of the eigenvalues of S1 S2. For any factor
 * S1 = F F^T, S1 S2 is similar to F^T S2 F, which is symmetric positive semi-definite: its eigenvalues
 * are real and non-negative and the sum is exact up to rounding, with no general (Schur) square root
 * and no spurious imaginary parts. The factor is the Cholesky factor of S1 when S1 is positive
 * definite, else of S2 (S1 S2 and S2 S1 share their spectrum), else the symmetric square root of S1
 * from its eigen-decomposition, which exists for every positive semi-definite matrix. So a singular
 * covariance (fewer samples than dimensions) gets the exact value, which is what pytorch-fid's
 * scipy.linalg.sqrtm computes too: pytorch-fid adds eps I to the covariances only when sqrtm returns
 * non-finite numbers, and the exact value is always finite, so no offset is ever added here.
 *
 * <p>Linear algebra: EJML's Cholesky and symmetric eigen-decomposition (single-threaded: its
 * multi-threaded solver was slower on 2 cores), the congruence F^T S F through PyTorch's BLAS
 * ({@link DenseOps}).
 */
public final class FrechetDistance {
    /** which factor carried the spectrum */
    public enum Factor {
        CHOLESKY_FIRST,
        CHOLESKY_SECOND,
        SQRT_FIRST
    }

    /** the distance and its parts: |mu1 - mu2|^2 and tr(S1) + tr(S2) - 2 tr((S1 S2)^(1/2)) */
    public record Result(double value, double meanTerm, double traceTerm, Factor factor) {}

    private FrechetDistance() {}

    /**
     * @throws IllegalArgumentException when the dimensions differ or a mean or covariance has NaN or infinite entries
     */
    public static Result compute(Gaussian a, Gaussian b) {
        if (a.dim() != b.dim()) {
            throw new IllegalArgumentException("feature dimensions differ: " + a.dim() + " vs " + b.dim()
                    + " (statistics from different extractors?)");
        }
        int n = a.dim();
        requireFinite(a.mu(), "first mean");
        requireFinite(b.mu(), "second mean");
        double meanTerm = 0;
        for (int i = 0; i < n; i++) {
            double d = a.mu()[i] - b.mu()[i];
            meanTerm += d * d;
        }
        DMatrixRMaj s1 = DMatrixRMaj.wrap(n, n, a.sigma());
        DMatrixRMaj s2 = DMatrixRMaj.wrap(n, n, b.sigma());
        requireFinite(s1, "first");
        requireFinite(s2, "second");
        Spectrum sp = spectrumOfProduct(s1, s2);
        double trSqrt = 0;
        for (int i = sp.eigenvalues.length - 1; i >= 0; i--) { // rounding negatives count as 0
            trSqrt += Math.sqrt(Math.max(sp.eigenvalues[i], 0));
        }
        double traceTerm = trace(s1) + trace(s2) - 2 * trSqrt;
        return new Result(meanTerm + traceTerm, meanTerm, traceTerm, sp.factor);
    }

    private record Spectrum(double[] eigenvalues, Factor factor) {}

    /** eigenvalues of F^T S F for a factor F of one covariance and S the other */
    private static Spectrum spectrumOfProduct(DMatrixRMaj s1, DMatrixRMaj s2) {
        DMatrixRMaj f = choleskyLower(s1);
        Factor kind = Factor.CHOLESKY_FIRST;
        DMatrixRMaj other = s2;
        if (f == null) {
            f = choleskyLower(s2);
            kind = Factor.CHOLESKY_SECOND;
            other = s1;
        }
        if (f == null) {
            f = symmetricSqrt(s1);
            kind = Factor.SQRT_FIRST;
            other = s2;
        }
        int n = s1.numRows;
        DMatrixRMaj m = DMatrixRMaj.wrap(n, n, DenseOps.congruence(f.data, other.data, n));
        symmetrise(m);
        return new Spectrum(symmetricEigenvalues(m, false).values, kind);
    }

    /** lower Cholesky factor, or null when the matrix is not numerically positive definite */
    static DMatrixRMaj choleskyLower(DMatrixRMaj s) {
        CholeskyDecomposition_F64<DMatrixRMaj> chol = DecompositionFactory_MT_DDRM.chol(s.numRows, true);
        if (!chol.decompose(s.copy())) {
            return null;
        }
        DMatrixRMaj l = chol.getT(null);
        for (int i = 0; i < l.numRows; i++) {
            if (!(l.get(i, i) > 0) || !Double.isFinite(l.get(i, i))) {
                return null;
            }
        }
        return l;
    }

    /** V diag(sqrt(max(lambda, 0))) for s = V diag(lambda) V^T: a factor F with F F^T = s (s PSD) */
    static DMatrixRMaj symmetricSqrt(DMatrixRMaj s) {
        Eigen e = symmetricEigenvalues(s.copy(), true);
        int n = s.numRows;
        DMatrixRMaj f = new DMatrixRMaj(n, n);
        for (int k = 0; k < n; k++) {
            double root = Math.sqrt(Math.max(e.values[k], 0));
            DMatrixRMaj v = e.vectors[k];
            for (int i = 0; i < n; i++) {
                f.set(i, k, v.get(i) * root);
            }
        }
        return f;
    }

    private record Eigen(double[] values, DMatrixRMaj[] vectors) {}

    /** eigenvalues (and optionally unit eigenvectors) of a symmetric matrix; the matrix may be modified */
    private static Eigen symmetricEigenvalues(DMatrixRMaj m, boolean vectors) {
        int n = m.numRows;
        EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(n, vectors, true);
        if (!eig.decompose(m)) {
            throw new IllegalStateException(
                    "symmetric eigen-decomposition of a " + n + " x " + n + " matrix did not converge");
        }
        double[] values = new double[n];
        DMatrixRMaj[] vecs = vectors ? new DMatrixRMaj[n] : null;
        for (int i = 0; i < n; i++) {
            values[i] = eig.getEigenvalue(i).getReal();
            if (vectors) {
                vecs[i] = eig.getEigenVector(i);
            }
        }
        return new Eigen(values, vecs);
    }

    /** removes the rounding asymmetry of F^T S F before the symmetric solver */
    private static void symmetrise(DMatrixRMaj m) {
        int n = m.numRows;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < i; j++) {
                double v = 0.5 * (m.get(i, j) + m.get(j, i));
                m.set(i, j, v);
                m.set(j, i, v);
            }
        }
    }

    private static void requireFinite(DMatrixRMaj s, String which) {
        requireFinite(s.data, which + " covariance");
    }

    private static void requireFinite(double[] values, String which) {
        for (int i = 0; i < values.length; i++) {
            if (!Double.isFinite(values[i])) {
                throw new IllegalArgumentException(
                        "the " + which + " holds " + values[i] + " at flat index " + i + " (NaN or infinite)");
            }
        }
    }

    private static double trace(DMatrixRMaj s) {
        double t = 0;
        for (int i = 0; i < s.numRows; i++) {
            t += s.get(i, i);
        }
        return t;
    }
}
