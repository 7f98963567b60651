package org.denoiselab.science.model;

import ai.djl.ndarray.NDManager;
import org.denoiselab.science.spec.RunSpec;

/** Builds the denoiser a RunSpec names, for samples of the given shape. */
public final class Models {
    private Models() {}

    /**
     * The spec's JiT with its block switches (RMSNorm, SwiGLU, qk-norm, RoPE, in-context tokens; the baseline
     * block when it names none), or the toy MLP.
     *
     * @param channels, height, width the sample shape (C x H x W; the toy's points are 1 x 1 x D)
     * @param numClasses real classes; the label table gets one more row, the null class
     * @param seed       seeds the initial weights
     * @throws IllegalArgumentException when the spec does not fit the shape (a patch that does not divide it)
     */
    public static Denoiser create(
            NDManager manager, RunSpec.ModelSpec spec, int channels, int height, int width, int numClasses, long seed) {
        return switch (spec.arch()) {
            case JIT ->
                new JiT(
                        manager,
                        spec.size(),
                        spec.blockOrBaseline(),
                        channels,
                        height,
                        width,
                        spec.patch(),
                        spec.bottleneck(),
                        numClasses,
                        seed);
            case MLP -> new MlpDenoiser(manager, channels * height * width, spec.mlpWidth(), spec.mlpDepth(), seed);
        };
    }
}
