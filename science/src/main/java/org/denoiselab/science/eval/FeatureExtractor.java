package org.denoiselab.science.eval;

/**
 * A network that turns 8-bit images into feature vectors (for the Fréchet distance) and class
 * logits (for the Inception Score). Inputs are uint8 N x C x H x W batches exactly as saved images
 * hold them; see {@link SampleImages} for model-space batches.
 */
public interface FeatureExtractor extends AutoCloseable {
    /** short name carried by every score, e.g. "inception" or "classifier" */
    String name();

    int featureDim();

    int numClasses();

    /**
     * The channel count image files are converted to before extraction (1 grey, 3 RGB), or 0 when either is
     * taken as it is.
     */
    default int inputChannels() {
        return 0;
    }

    /**
     * Features (n x featureDim, row-major) and, when asked, logits (n x numClasses) of a uint8
     * batch; {@code images} holds n * c * h * w bytes, each an unsigned value 0..255.
     */
    Features extract(byte[] images, int n, int channels, int height, int width, boolean withLogits);

    /** name of the Fréchet distance in this feature space: only Inception's is "fid" */
    default String fdName() {
        return "fd_" + name();
    }

    default String isName() {
        return "is_" + name();
    }

    default String kidName() {
        return "kid_" + name();
    }

    @Override
    void close();

    /** n feature rows and, if computed, n logit rows (else null) */
    record Features(int count, float[] features, float[] logits) {}
}
