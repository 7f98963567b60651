package org.denoiselab.core.model;

import ai.djl.ndarray.NDManager;
import java.util.Locale;
import org.denoiselab.core.experiment.RunSpec;

/** Builds the denoiser a RunSpec names, for samples of the given shape. */
public final class Models {
    private Models() {}

    public static Denoiser create(NDManager manager, RunSpec.ModelSpec spec, int channels, int height, int width,
                                  int numClasses, long seed) {
        String arch = spec.arch() == null ? "jit" : spec.arch().toLowerCase(Locale.ROOT);
        switch (arch) {
            case "jit":
                return new JiT(manager, JitSize.parse(spec.size()), channels, height, width, spec.patch(),
                        spec.bottleneck(), numClasses, seed);
            case "mlp":
                return new MlpDenoiser(manager, channels * height * width, spec.mlpWidth(), spec.mlpDepth(), seed);
            default:
                throw new IllegalArgumentException("model.arch: unknown architecture '" + spec.arch() + "': expected jit or mlp");
        }
    }
}
