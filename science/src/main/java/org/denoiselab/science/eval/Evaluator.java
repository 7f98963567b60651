package org.denoiselab.science.eval;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.denoiselab.science.eval.FeatureStats.Gaussian;

/**
 * The evaluation itself: features of a set of images streamed through an extractor, then FD, IS and (when
 * reference features are at hand) KID. Refuses what it cannot compute (fewer than 2 images, features that are
 * not finite) with an exception naming the images; warns, and still computes the exact value, when there are
 * no more images than feature dimensions (the covariance is then singular, see {@link FrechetDistance}).
 */
public final class Evaluator {
    private static final int CHUNK = 500;

    private Evaluator() {}

    /**
     * Fréchet distance, Inception Score and Kernel Inception Distance of a sample set, each named by its
     * extractor (kidMean and kidStd are NaN without reference features)
     *
     * @param warnings what the caller should tell the user (e.g. a singular covariance); empty when none
     */
    public record Scores(
            String fdName,
            double fd,
            String isName,
            double isMean,
            double isStd,
            int samples,
            String kidName,
            double kidMean,
            double kidStd,
            List<String> warnings) {
        /** key=value lines, e.g. "fd_classifier=..."; the warnings are not part of them */
        public String format() {
            String base = String.format(
                    Locale.ROOT,
                    "samples=%d%n%s=%.6f%n%s_mean=%.6f%n%s_std=%.6f",
                    samples,
                    fdName,
                    fd,
                    isName,
                    isMean,
                    isName,
                    isStd);
            return Double.isNaN(kidMean)
                    ? base
                    : base
                            + String.format(
                                    Locale.ROOT, "%n%s_mean=%.6f%n%s_std=%.6f", kidName, kidMean, kidName, kidStd);
        }
    }

    /** the first {@code keep} features of a set, row-major, for KID */
    public record FeatureSample(float[] features, int count, int dim) {
        /** as a float32 array [count, dim], the form it is stored in */
        public Npy.Array toNpy() {
            return Npy.float32(features, count, dim);
        }

        /**
         * From a stored array [count, dim] (float32, or float64 rounded to float32).
         *
         * @throws IOException naming {@code source} when the array is not two-dimensional or not floating
         */
        public static FeatureSample fromNpy(Npy.Array a, String source) throws IOException {
            if (a.shape().length != 2 || a.type() == Npy.Type.UINT8) {
                throw new IOException(source + ": features must be a float array [count, dim], got " + a);
            }
            double[] v = a.asDoubles();
            float[] f = new float[v.length];
            for (int i = 0; i < v.length; i++) {
                f[i] = (float) v[i];
            }
            return new FeatureSample(f, (int) a.shape()[0], (int) a.shape()[1]);
        }
    }

    /**
     * Feature statistics of a set of images.
     *
     * @throws IllegalArgumentException when there are fewer than 2 images (no covariance)
     * @throws IOException              naming the images when they cannot be read or their features are not finite
     */
    public static FeatureStats statistics(ImageSource images, FeatureExtractor extractor) throws IOException {
        requireCovariance(images);
        return run(images, extractor, false, 0).stats;
    }

    /** statistics of a set and its first {@code keep} features (reference sets: FD needs the first, KID the second) */
    public static FeatureStats statistics(
            ImageSource images, FeatureExtractor extractor, int keep, FeatureSample[] kept) throws IOException {
        requireCovariance(images);
        Pass p = run(images, extractor, false, keep);
        kept[0] = new FeatureSample(p.features, p.features.length / extractor.featureDim(), extractor.featureDim());
        return p.stats;
    }

    public static Scores score(ImageSource images, FeatureExtractor extractor, Gaussian reference) throws IOException {
        return score(images, extractor, reference, null);
    }

    /**
     * @param referenceFeatures features of reference images for KID, or null to skip it
     * @throws IllegalArgumentException when the reference has another dimension or there are under 2 samples
     * @throws IOException              naming the images when they cannot be read or their features are not finite
     */
    public static Scores score(
            ImageSource images, FeatureExtractor extractor, Gaussian reference, FeatureSample referenceFeatures)
            throws IOException {
        if (reference.dim() != extractor.featureDim()) {
            throw new IllegalArgumentException("reference statistics have dimension " + reference.dim() + " but the "
                    + extractor.name() + " extractor gives " + extractor.featureDim() + "-d features");
        }
        requireCovariance(images);
        Pass p = run(images, extractor, true, referenceFeatures == null ? 0 : images.count());
        FrechetDistance.Result fd = FrechetDistance.compute(p.stats.toGaussian(), reference);
        int splits = Math.min(InceptionScore.DEFAULT_SPLITS, images.count());
        InceptionScore.Result is = InceptionScore.compute(p.logits, images.count(), extractor.numClasses(), splits);
        double kidMean = Double.NaN;
        double kidStd = Double.NaN;
        if (referenceFeatures != null && referenceFeatures.count() >= 2) {
            if (referenceFeatures.dim() != extractor.featureDim()) {
                throw new IllegalArgumentException("reference features have dimension " + referenceFeatures.dim()
                        + " but the " + extractor.name() + " extractor gives " + extractor.featureDim());
            }
            KernelInceptionDistance.Result kid = KernelInceptionDistance.compute(
                    p.features,
                    images.count(),
                    referenceFeatures.features(),
                    referenceFeatures.count(),
                    extractor.featureDim());
            kidMean = kid.mean();
            kidStd = kid.std();
        }
        return new Scores(
                extractor.fdName(),
                fd.value(),
                extractor.isName(),
                is.mean(),
                is.std(),
                images.count(),
                extractor.kidName(),
                kidMean,
                kidStd,
                sizeWarnings(images.count(), extractor.featureDim()));
    }

    /**
     * The warning for {@code n} samples of {@code dim}-dimensional features when n <= dim: the covariance has
     * rank at most n - 1, the value is still the exact FD of the two Gaussians, but an estimate from so few
     * samples is biased upwards and not comparable with one from more samples.
     */
    public static List<String> sizeWarnings(long n, int dim) {
        List<String> out = new ArrayList<>();
        if (n <= dim) {
            out.add(String.format(
                    Locale.ROOT,
                    "warning: %d samples for %d-dimensional features: the covariance is singular (rank <= %d);"
                            + " the value is the exact FD of these statistics, but biased upwards and not"
                            + " comparable with FDs from more samples (use more than %d)",
                    n,
                    dim,
                    n - 1,
                    dim));
        }
        return out;
    }

    private static void requireCovariance(ImageSource images) {
        if (images.count() < 2) {
            throw new IllegalArgumentException(images.describe() + ": " + images.count()
                    + " image(s); feature statistics need at least 2 (a covariance)");
        }
    }

    private record Pass(FeatureStats stats, float[] logits, float[] features) {}

    /** streams every image through the extractor, keeping the logits and the first {@code keep} features */
    private static Pass run(ImageSource images, FeatureExtractor extractor, boolean withLogits, int keep)
            throws IOException {
        FeatureStats stats = new FeatureStats(extractor.featureDim());
        int n = images.count();
        int k = extractor.numClasses();
        float[] logits = withLogits ? new float[Math.multiplyExact(n, k)] : null;
        int d = extractor.featureDim();
        int kept = Math.min(keep, n);
        float[] features = new float[Math.multiplyExact(kept, d)];
        for (int from = 0; from < n; from += CHUNK) {
            int rows = Math.min(CHUNK, n - from);
            byte[] batch = images.read(from, rows);
            FeatureExtractor.Features f =
                    extractor.extract(batch, rows, images.channels(), images.height(), images.width(), withLogits);
            requireFinite(images, extractor, "features", f.features(), from, d);
            stats.add(f.features(), rows);
            if (from < kept) {
                System.arraycopy(f.features(), 0, features, from * d, Math.min(rows, kept - from) * d);
            }
            if (withLogits) {
                requireFinite(images, extractor, "logits", f.logits(), from, k);
                System.arraycopy(f.logits(), 0, logits, from * k, rows * k);
            }
        }
        return new Pass(stats, logits, features);
    }

    private static void requireFinite(
            ImageSource images, FeatureExtractor extractor, String what, float[] values, int from, int width)
            throws Npy.NonFiniteException {
        for (int i = 0; i < values.length; i++) {
            if (!Float.isFinite(values[i])) {
                throw new Npy.NonFiniteException(images.describe() + ": the " + extractor.name() + " extractor's "
                        + what + " of image " + (from + i / width) + " hold " + values[i]);
            }
        }
    }
}
