package org.denoiselab.science.data;

import java.util.Arrays;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * The paper's toy study (Fig. 2): points on a 2-D spiral, embedded in D dimensions by a fixed random
 * orthonormal projection P (D x 2), x_D = P x_2. As a dataset each sample is a 1 x 1 x D "image".
 *
 * <p>Spiral: for s in [0, 1], angle 4 pi s (two turns), radius 0.15 + 0.8 s, so every point lies within
 * the disc of radius 0.95 and every embedded coordinate within [-0.95, 0.95]. Training points take s
 * uniformly at random (seeded), exactly on the curve.
 */
public final class ToyManifold implements ImageDataset {
    public static final int DEFAULT_POINTS = 10_000;
    /** P is seeded by this unless told otherwise, so the train and test splits share one plane */
    public static final long DEFAULT_PROJECTION_SEED = 20251117L;
    /** samples of the true curve used by {@link #distanceToSpiral}; spacing below 4e-4 along the curve */
    static final int CURVE_SAMPLES = 20_000;

    private static final double TURNS = 2.0;
    private static final double R0 = 0.15;
    private static final double R1 = 0.95;

    private final int dim;
    private final double[] projection; // D x 2, row-major: projection[2 * d + j] = P[d][j]
    private final float[] points2d;
    private final int count;

    /**
     * @param dim            embedding dimension D (>= 2)
     * @param count          number of points
     * @param projectionSeed seeds P (same seed, same P)
     * @param pointSeed      seeds where on the curve the points fall
     */
    public ToyManifold(int dim, int count, long projectionSeed, long pointSeed) {
        if (dim < 2) {
            throw new IllegalArgumentException("toy manifold dimension D must be >= 2, was " + dim);
        }
        if (count <= 0) {
            throw new IllegalArgumentException("toy manifold point count must be positive, was " + count);
        }
        this.dim = dim;
        this.count = count;
        this.projection = randomOrthonormal(dim, projectionSeed);
        this.points2d = new float[2 * count];
        SplittableRandom random = new SplittableRandom(pointSeed);
        for (int i = 0; i < count; i++) {
            spiralPoint(random.nextDouble(), points2d, i);
        }
    }

    /** the point at curve parameter s in [0, 1], written to out[2i], out[2i+1] */
    private static void spiralPoint(double s, float[] out, int i) {
        double angle = 2 * Math.PI * TURNS * s;
        double r = R0 + (R1 - R0) * s;
        out[2 * i] = (float) (r * Math.cos(angle));
        out[2 * i + 1] = (float) (r * Math.sin(angle));
    }

    /** m evenly spaced points of the true spiral (2m floats), e.g. for drawing it */
    public static float[] spiral(int m) {
        float[] out = new float[2 * m];
        for (int i = 0; i < m; i++) {
            spiralPoint(m == 1 ? 0 : (double) i / (m - 1), out, i);
        }
        return out;
    }

    /** Gram-Schmidt of two Gaussian columns; for D = 2 the sign is fixed so that P is a rotation */
    private static double[] randomOrthonormal(int dim, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        double[] a = new double[dim];
        double[] b = new double[dim];
        for (int d = 0; d < dim; d++) {
            a[d] = gaussian(random);
            b[d] = gaussian(random);
        }
        normalise(a);
        double dot = 0;
        for (int d = 0; d < dim; d++) {
            dot += a[d] * b[d];
        }
        for (int d = 0; d < dim; d++) {
            b[d] -= dot * a[d];
        }
        normalise(b);
        if (dim == 2 && a[0] * b[1] - a[1] * b[0] < 0) {
            b[0] = -b[0];
            b[1] = -b[1];
        }
        double[] p = new double[2 * dim];
        for (int d = 0; d < dim; d++) {
            p[2 * d] = a[d];
            p[2 * d + 1] = b[d];
        }
        return p;
    }

    private static double gaussian(SplittableRandom random) { // Box-Muller, one value per call
        double u = 1.0 - random.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.nextDouble());
    }

    private static void normalise(double[] v) {
        double norm = 0;
        for (double x : v) {
            norm += x * x;
        }
        norm = Math.sqrt(norm);
        for (int d = 0; d < v.length; d++) {
            v[d] /= norm;
        }
    }

    /** P as a D x 2 row-major copy */
    public double[] projection() {
        return projection.clone();
    }

    /** the 2-D points before embedding (2 * size() floats) */
    public float[] points2d() {
        return points2d.clone();
    }

    public int dim() {
        return dim;
    }

    /** P^T x for n points of D floats each: their 2-D coordinates in the data plane (2n floats) */
    public float[] toPlane(float[] pointsD, int n) {
        checkLength(pointsD, n * dim, "pointsD");
        float[] out = new float[2 * n];
        for (int i = 0; i < n; i++) {
            double u = 0;
            double v = 0;
            for (int d = 0; d < dim; d++) {
                double x = pointsD[i * dim + d];
                u += projection[2 * d] * x;
                v += projection[2 * d + 1] * x;
            }
            out[2 * i] = (float) u;
            out[2 * i + 1] = (float) v;
        }
        return out;
    }

    /**
     * Mean norm of the part of each point orthogonal to the data plane, ||x - P P^T x||: how far
     * generated points stray off the 2-D subspace (0 for the data).
     */
    public double offManifold(float[] pointsD, int n) {
        float[] plane = toPlane(pointsD, n);
        double total = 0;
        for (int i = 0; i < n; i++) {
            double sq = 0;
            for (int d = 0; d < dim; d++) {
                double r = pointsD[i * dim + d]
                        - projection[2 * d] * plane[2 * i]
                        - projection[2 * d + 1] * plane[2 * i + 1];
                sq += r * r;
            }
            total += Math.sqrt(sq);
        }
        return total / n;
    }

    /**
     * The toy study's quality number (lower is better): the mean Euclidean distance from each 2-D
     * point to the nearest of {@value #CURVE_SAMPLES} evenly spaced samples of the true spiral. The
     * data itself scores about 1e-4 (the sampling spacing); points spread over the square score ~0.1
     * and more. Apply it to {@link #toPlane} of generated samples.
     */
    public double distanceToSpiral(float[] points2d, int n) {
        checkLength(points2d, 2 * n, "points2d");
        CurveIndex curve = CurveIndex.INSTANCE;
        double total = 0;
        for (int i = 0; i < n; i++) {
            total += curve.nearest(points2d[2 * i], points2d[2 * i + 1]);
        }
        return total / n;
    }

    /** the dense curve sorted by x, searched outward from the query's x until no closer point can exist */
    private static final class CurveIndex {
        static final CurveIndex INSTANCE = new CurveIndex(spiral(CURVE_SAMPLES));
        final double[] xs;
        final double[] ys;

        CurveIndex(float[] curve) {
            int m = curve.length / 2;
            Integer[] order = new Integer[m];
            for (int i = 0; i < m; i++) {
                order[i] = i;
            }
            Arrays.sort(order, (p, q) -> Float.compare(curve[2 * p], curve[2 * q]));
            xs = new double[m];
            ys = new double[m];
            for (int i = 0; i < m; i++) {
                xs[i] = curve[2 * order[i]];
                ys[i] = curve[2 * order[i] + 1];
            }
        }

        double nearest(double x, double y) {
            if (!Double.isFinite(x) || !Double.isFinite(y)) {
                return Double.POSITIVE_INFINITY; // a diverged sample must not look good
            }
            int start = Arrays.binarySearch(xs, x);
            if (start < 0) {
                start = -start - 1;
            }
            double best = Double.POSITIVE_INFINITY;
            for (int i = start; i < xs.length && (xs[i] - x) * (xs[i] - x) < best; i++) {
                best = Math.min(best, sq(xs[i] - x) + sq(ys[i] - y));
            }
            for (int i = start - 1; i >= 0 && (x - xs[i]) * (x - xs[i]) < best; i--) {
                best = Math.min(best, sq(xs[i] - x) + sq(ys[i] - y));
            }
            return Math.sqrt(best);
        }

        private static double sq(double v) {
            return v * v;
        }
    }

    private static void checkLength(float[] a, int needed, String what) {
        if (a.length < needed) {
            throw new IllegalArgumentException(what + " holds " + a.length + " floats, expected at least " + needed);
        }
    }

    @Override
    public String name() {
        return DatasetKind.TOY.label();
    }

    @Override
    public int size() {
        return count;
    }

    @Override
    public int channels() {
        return 1;
    }

    @Override
    public int height() {
        return 1;
    }

    @Override
    public int width() {
        return dim;
    }

    @Override
    public int numClasses() {
        return 1;
    }

    @Override
    public void read(int index, float[] dst, int offset) {
        Objects.checkIndex(index, count);
        double u = points2d[2 * index];
        double v = points2d[2 * index + 1];
        for (int d = 0; d < dim; d++) {
            dst[offset + d] = (float) (projection[2 * d] * u + projection[2 * d + 1] * v);
        }
    }

    @Override
    public int label(int index) {
        Objects.checkIndex(index, count);
        return 0;
    }
}
