package org.denoiselab.science.eval;

import java.io.IOException;
import java.util.Locale;
import org.denoiselab.science.eval.FeatureStats.Gaussian;

/** The evaluation itself: features of a set of images streamed through an extractor, then FD and IS. */
public final class Evaluator {
    private static final int CHUNK = 500;

    private Evaluator() {}

    /** Fréchet distance and Inception Score of a sample set, each named by its extractor */
    public record Scores(String fdName, double fd, String isName, double isMean, double isStd, int samples) {
        /** key=value lines, e.g. "fd_classifier=..." */
        public String format() {
            return String.format(
                    Locale.ROOT,
                    "samples=%d%n%s=%.6f%n%s_mean=%.6f%n%s_std=%.6f",
                    samples,
                    fdName,
                    fd,
                    isName,
                    isMean,
                    isName,
                    isStd);
        }
    }

    public static FeatureStats statistics(ImageSource images, FeatureExtractor extractor) throws IOException {
        return run(images, extractor, false).stats;
    }

    public static Scores score(ImageSource images, FeatureExtractor extractor, Gaussian reference) throws IOException {
        if (reference.dim() != extractor.featureDim()) {
            throw new IllegalArgumentException("reference statistics have dimension " + reference.dim() + " but the "
                    + extractor.name() + " extractor gives " + extractor.featureDim() + "-d features");
        }
        Pass p = run(images, extractor, true);
        if (p.stats.count() < 2) {
            throw new IllegalArgumentException("need at least 2 samples for a covariance, have " + p.stats.count());
        }
        FrechetDistance.Result fd = FrechetDistance.compute(p.stats.toGaussian(), reference);
        int splits = Math.min(InceptionScore.DEFAULT_SPLITS, images.count());
        InceptionScore.Result is = InceptionScore.compute(p.logits, images.count(), extractor.numClasses(), splits);
        return new Scores(extractor.fdName(), fd.value(), extractor.isName(), is.mean(), is.std(), images.count());
    }

    private record Pass(FeatureStats stats, float[] logits) {}

    private static Pass run(ImageSource images, FeatureExtractor extractor, boolean withLogits) throws IOException {
        FeatureStats stats = new FeatureStats(extractor.featureDim());
        int n = images.count();
        int k = extractor.numClasses();
        float[] logits = withLogits ? new float[Math.multiplyExact(n, k)] : null;
        for (int from = 0; from < n; from += CHUNK) {
            int rows = Math.min(CHUNK, n - from);
            byte[] batch = images.read(from, rows);
            FeatureExtractor.Features f =
                    extractor.extract(batch, rows, images.channels(), images.height(), images.width(), withLogits);
            stats.add(f.features(), rows);
            if (withLogits) {
                System.arraycopy(f.logits(), 0, logits, from * k, rows * k);
            }
        }
        return new Pass(stats, logits);
    }
}
