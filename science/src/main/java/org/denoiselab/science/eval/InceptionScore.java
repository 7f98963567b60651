package org.denoiselab.science.eval;

/**
 * Inception Score from class logits: p(y|x) = softmax(logits); the samples are cut into splits
 * (rows [i N / s, (i + 1) N / s)); each split scores exp(E_x[KL(p(y|x) || p(y))]) with p(y) the
 * split's mean prediction; the result is the mean and population standard deviation over splits,
 * as in the reference implementation (Salimans et al., and the StyleGAN/EDM metric code).
 */
public final class InceptionScore {
    public static final int DEFAULT_SPLITS = 10;

    public record Result(double mean, double std) {}

    private InceptionScore() {}

    /** logits row-major, {@code n} rows of {@code classes} values */
    public static Result compute(float[] logits, int n, int classes, int splits) {
        if ((long) n * classes != logits.length) {
            throw new IllegalArgumentException(
                    "logits hold " + logits.length + " values, expected " + n + " x " + classes);
        }
        if (splits < 1 || n < splits) {
            throw new IllegalArgumentException("need at least as many samples (" + n + ") as splits (" + splits + ")");
        }
        double[] probs = new double[n * classes];
        for (int r = 0; r < n; r++) {
            softmax(logits, r * classes, classes, probs);
        }
        double[] scores = new double[splits];
        for (int s = 0; s < splits; s++) {
            int from = (int) ((long) s * n / splits);
            int to = (int) ((long) (s + 1) * n / splits);
            scores[s] = splitScore(probs, from, to, classes);
        }
        double mean = 0;
        for (double v : scores) {
            mean += v;
        }
        mean /= splits;
        double var = 0;
        for (double v : scores) {
            var += (v - mean) * (v - mean);
        }
        return new Result(mean, Math.sqrt(var / splits));
    }

    private static void softmax(float[] logits, int o, int k, double[] out) {
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < k; j++) {
            max = Math.max(max, logits[o + j]);
        }
        double sum = 0;
        for (int j = 0; j < k; j++) {
            double e = Math.exp(logits[o + j] - max);
            out[o + j] = e;
            sum += e;
        }
        for (int j = 0; j < k; j++) {
            out[o + j] /= sum;
        }
    }

    private static double splitScore(double[] probs, int from, int to, int k) {
        double[] marginal = new double[k];
        for (int r = from; r < to; r++) {
            for (int j = 0; j < k; j++) {
                marginal[j] += probs[r * k + j];
            }
        }
        for (int j = 0; j < k; j++) {
            marginal[j] /= to - from;
        }
        double kl = 0;
        for (int r = from; r < to; r++) {
            for (int j = 0; j < k; j++) {
                double p = probs[r * k + j];
                if (p > 0) { // 0 log 0 = 0
                    kl += p * (Math.log(p) - Math.log(marginal[j]));
                }
            }
        }
        return Math.exp(kl / (to - from));
    }
}
